package dev.flagrelay.internal.relay;

/**
 * A flag evaluation the relay never saw (answered from the provider's cache).
 *
 * @param value the value handed to the application, an immutable tree or null
 * @param failed serialised as {@code default}: whether the caller's default was returned
 */
public record FeatureEvent(
    String contextKind,
    String userKey,
    long creationDate,
    String key,
    String variation,
    Object value,
    boolean failed,
    String version,
    String source)
    implements CollectorEvent {
  public static final String SOURCE_PROVIDER_CACHE = "PROVIDER_CACHE";
}
