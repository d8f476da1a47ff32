package dev.flagrelay.internal.relay;

import dev.flagrelay.internal.context.ContextSnapshot;

/**
 * A cached answer as the cache holds it: the flag, the context it was asked for and the relay's
 * answer. A cache hit's event points at it ({@link CacheHitEvent}) instead of at an event built
 * and kept for every cached answer; the collector derives the event once per batch.
 */
public interface ServedAnswer {
  String flagKey();

  ContextSnapshot context();

  RelayAnswer answer();

  /** The event of a successful hit on this answer, dated {@code creationDate}; null without a value. */
  default FeatureEvent event(long creationDate) {
    FeatureEvent served = FeatureEvent.servedFromCache(flagKey(), context(), answer());
    return served == null ? null : served.withCreationDate(creationDate);
  }
}
