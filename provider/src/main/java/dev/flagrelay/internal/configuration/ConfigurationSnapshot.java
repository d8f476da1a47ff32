package dev.flagrelay.internal.configuration;

import dev.flagrelay.engine.FlagConfiguration;
import java.util.Objects;

/**
 * One flag configuration as served by the relay, compiled, with the ETag it came with. Immutable:
 * published as a whole and read once per evaluation, so no evaluation sees parts of two.
 *
 * @param configuration the compiled flags and enrichment
 * @param etag the {@code ETag} of the answer that carried it, verbatim; null when it had none
 */
public record ConfigurationSnapshot(FlagConfiguration configuration, String etag) {
  public ConfigurationSnapshot {
    Objects.requireNonNull(configuration, "configuration");
  }
}
