package dev.flagrelay.internal.relay;

import java.util.Map;

/**
 * One answer of {@code GET /v1/flag/change}: the per-flag configuration hashes and the ETag to
 * echo next time. {@link #NOT_MODIFIED} stands for a 304.
 */
public record FlagChanges(String etag, Map<String, Long> flagHashes, boolean modified) {
  public static final FlagChanges NOT_MODIFIED = new FlagChanges(null, Map.of(), false);

  public FlagChanges {
    flagHashes = Map.copyOf(flagHashes);
  }

  public static FlagChanges of(String etag, Map<String, Long> flagHashes) {
    return new FlagChanges(etag, flagHashes, true);
  }
}
