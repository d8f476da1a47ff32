package dev.flagrelay.internal.relay;

import java.util.Map;

/**
 * One answer of {@code GET /v1/flag/change}: the configuration hash, the per-flag hashes when the
 * relay sends them (v1.37.0 and newer), and the ETag to echo next time. {@link #NOT_MODIFIED}
 * stands for a 304.
 *
 * @param hash the top-level hash of the whole configuration (0 when absent)
 * @param flagHashes each flag's hash; empty when {@code perFlag} is false
 * @param perFlag whether the relay sent per-flag hashes; older relays send only {@code hash}
 */
public record FlagChanges(String etag, long hash, Map<String, Long> flagHashes, boolean perFlag, boolean modified) {
  public static final FlagChanges NOT_MODIFIED = new FlagChanges(null, 0, Map.of(), false, false);

  public FlagChanges {
    flagHashes = Map.copyOf(flagHashes);
  }

  /** An answer with per-flag hashes, top-level hash unknown (0). */
  public static FlagChanges of(String etag, Map<String, Long> flagHashes) {
    return of(etag, 0, flagHashes);
  }

  /** An answer with per-flag hashes, as relays v1.37.0 and newer send it. */
  public static FlagChanges of(String etag, long hash, Map<String, Long> flagHashes) {
    return new FlagChanges(etag, hash, flagHashes, true, true);
  }

  /** An answer with only the top-level hash, as relays before v1.37.0 send it. */
  public static FlagChanges hashOnly(String etag, long hash) {
    return new FlagChanges(etag, hash, Map.of(), false, true);
  }
}
