package dev.flagrelay.internal.relay;

import java.util.List;

/**
 * One event of the relay's flag-change stream: the keys of the flags it added, deleted or
 * updated, sorted, without duplicates (the flag definitions it also carries are not kept).
 */
public record FlagChangeEvent(List<String> flagKeys) {
  public FlagChangeEvent {
    flagKeys = List.copyOf(flagKeys);
  }
}
