package dev.flagrelay.internal.stream;

import java.util.List;

/**
 * What the flag-change stream tells the provider's change detection: the seam between the stream
 * and a mode. The remote mode invalidates the named flags and announces them, and resynchronises
 * with one {@code GET /v1/flag/change} poll; an in-process mode answers both with one immediate
 * configuration refresh (coalesced, never two at once).
 *
 * <p>Called on the stream's thread: implementations hand work over and return, they never block
 * on I/O (the stream would stop reading).
 */
public interface ChangeSignals {
  /** The relay announced that these flags were added, deleted or updated (sorted, not empty). */
  void flagsChanged(List<String> flagKeys);

  /**
   * Changes may have been missed: the stream (re)connected (the relay replays nothing), or an
   * event could not be read. Catch up now.
   */
  void resync();
}
