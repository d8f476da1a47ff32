package dev.flagrelay.internal.relay;

import dev.openfeature.sdk.ImmutableMetadata;
import java.util.Map;

/**
 * A successful answer of the relay to one flag evaluation, as received and immutable.
 *
 * @param value the flag's value as an immutable tree ({@code Boolean}, {@code String}, {@code
 *     Integer}, {@code Long}, {@code BigInteger}, {@code Double}, unmodifiable {@code List} and
 *     {@code Map}); null when the flag is disabled or the relay sent no value
 * @param variant the variant name, or null
 * @param reason the reason as sent, never forced into an enum; may be null
 * @param metadata the scalar flag metadata ({@code String}, {@code Boolean}, {@code Integer},
 *     {@code Long}, {@code Double}); nested and null values are dropped
 * @param flagMetadata the same metadata as the SDK's immutable type, built once and shared
 */
public record RelayAnswer(
    Object value, String variant, String reason, Map<String, Object> metadata, ImmutableMetadata flagMetadata) {
  /** The metadata key the relay sets to {@code true} on answers that may be cached. */
  public static final String CACHEABLE_KEY = "gofeatureflag_cacheable";

  public RelayAnswer {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    flagMetadata = toFlagMetadata(metadata);
  }

  public RelayAnswer(Object value, String variant, String reason, Map<String, Object> metadata) {
    this(value, variant, reason, metadata, null);
  }

  private static ImmutableMetadata toFlagMetadata(Map<String, Object> metadata) {
    ImmutableMetadata.ImmutableMetadataBuilder builder = ImmutableMetadata.builder();
    for (Map.Entry<String, Object> entry : metadata.entrySet()) {
      Object value = entry.getValue();
      if (value instanceof String string) {
        builder.addString(entry.getKey(), string);
      } else if (value instanceof Boolean bool) {
        builder.addBoolean(entry.getKey(), bool);
      } else if (value instanceof Integer number) {
        builder.addInteger(entry.getKey(), number);
      } else if (value instanceof Long number) {
        builder.addLong(entry.getKey(), number);
      } else if (value instanceof Double number) {
        builder.addDouble(entry.getKey(), number);
      }
    }
    return builder.build();
  }

  /**
   * Equal when the relay said the same: value, variant, reason and metadata ({@code flagMetadata}
   * is derived from the metadata). Lets equal answers be shared ({@code EvaluationCache} keeps one
   * of each).
   */
  @Override
  public boolean equals(Object other) {
    return this == other
        || (other instanceof RelayAnswer that
            && java.util.Objects.equals(value, that.value)
            && java.util.Objects.equals(variant, that.variant)
            && java.util.Objects.equals(reason, that.reason)
            && metadata.equals(that.metadata));
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(value, variant, reason, metadata);
  }

  /** Whether the relay said this answer may be cached. */
  public boolean cacheable() {
    return Boolean.TRUE.equals(metadata.get(CACHEABLE_KEY));
  }

  /** The flag version from the metadata, or empty. */
  public String version() {
    Object version = metadata.get("version");
    return version == null ? "" : version.toString();
  }
}
