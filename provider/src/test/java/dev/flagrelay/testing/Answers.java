package dev.flagrelay.testing;

import dev.flagrelay.internal.relay.RelayAnswer;
import java.util.HashMap;
import java.util.Map;

/** Relay answers as the relay sends them. */
public final class Answers {
  private Answers() {}

  /** A targeting match the relay marked {@code gofeatureflag_cacheable: true}. */
  public static RelayAnswer cacheable(Object value, String variant) {
    return cacheable(value, variant, Map.of());
  }

  /** A cacheable targeting match with extra scalar metadata. */
  public static RelayAnswer cacheable(Object value, String variant, Map<String, Object> metadata) {
    Map<String, Object> all = new HashMap<>(metadata);
    all.put(RelayAnswer.CACHEABLE_KEY, true);
    return new RelayAnswer(value, variant, "TARGETING_MATCH", all);
  }

  /** An answer without the cacheability marker (progressive rollout, experimentation...). */
  public static RelayAnswer notCacheable(Object value, String variant) {
    return new RelayAnswer(value, variant, "SPLIT", Map.of());
  }
}
