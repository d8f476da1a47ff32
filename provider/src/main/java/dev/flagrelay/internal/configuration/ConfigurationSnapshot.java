package dev.flagrelay.internal.configuration;

import dev.flagrelay.engine.FlagConfiguration;
import java.util.Objects;

/**
 * One flag configuration as served by the relay, compiled, with the ETag it came with and the SDK
 * metadata of its answers. Published as a whole and read once per evaluation, so no evaluation
 * sees parts of two.
 *
 * @param configuration the compiled flags and enrichment
 * @param etag the {@code ETag} of the answer that carried it, verbatim; null when it had none
 * @param metadata the SDK metadata of this configuration's answers, built once each (it fills as
 *     flags are evaluated; every entry is immutable)
 * @param events the feature events of this configuration's successful answers, built once each
 *     (it fills as flags are evaluated; every entry is immutable)
 */
public record ConfigurationSnapshot(
    FlagConfiguration configuration, String etag, FlagMetadataCache metadata, AnswerEvents events) {
  public ConfigurationSnapshot {
    Objects.requireNonNull(configuration, "configuration");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(events, "events");
  }

  /** A snapshot whose metadata and event caches start empty. */
  public ConfigurationSnapshot(FlagConfiguration configuration, String etag) {
    this(configuration, etag, new FlagMetadataCache(), new AnswerEvents());
  }
}
