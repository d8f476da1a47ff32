package dev.flagrelay.internal.relay;

import dev.flagrelay.internal.context.ContextSnapshot;

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
  /** Source of an evaluation made in the application's process (GOFF-COLL-010). */
  public static final String SOURCE_INPROCESS = "INPROCESS";
  /** Variant reported when the caller's default was returned. */
  public static final String SDK_DEFAULT_VARIANT = "SdkDefault";

  /**
   * The event of every successful cache hit on {@code answer} for {@code flagKey} and {@code
   * context}; {@code creationDate} is left at 0 and each hit supplies its own ({@link
   * CacheHitEvent}). Null when the answer carries no value: such hits
   * return the caller's default, which only the hit knows.
   */
  public static FeatureEvent servedFromCache(String flagKey, ContextSnapshot context, RelayAnswer answer) {
    if (answer.value() == null) {
      return null;
    }
    return new FeatureEvent(
        contextKind(context),
        userKey(context),
        0,
        flagKey,
        answer.variant() != null ? answer.variant() : SDK_DEFAULT_VARIANT,
        answer.value(),
        false,
        answer.version(),
        SOURCE_PROVIDER_CACHE);
  }

  /** This event with another creation date. */
  public FeatureEvent withCreationDate(long date) {
    return new FeatureEvent(contextKind, userKey, date, key, variation, value, failed, version, source);
  }

  /**
   * The event of every successful in-process evaluation of {@code flagKey} that answers {@code
   * variation} with {@code value}, built once per configuration; each evaluation supplies its
   * context kind, user key and creation date ({@link InProcessEvent}), left here as {@code null},
   * {@code null} and 0.
   *
   * @param version the flag's version, {@code ""} when it has none
   */
  public static FeatureEvent evaluatedInProcess(String flagKey, String variation, Object value, String version) {
    return new FeatureEvent(null, null, 0, flagKey, variation, value, false, version, SOURCE_INPROCESS);
  }

  /** {@code anonymousUser} only when the context's {@code anonymous} is the boolean true. */
  public static String contextKind(ContextSnapshot context) {
    return Boolean.TRUE.equals(context.get("anonymous")) ? "anonymousUser" : "user";
  }

  /** The targeting key, or {@code undefined-targetingKey}. */
  public static String userKey(ContextSnapshot context) {
    String key = context.targetingKey();
    return key != null ? key : "undefined-targetingKey";
  }
}
