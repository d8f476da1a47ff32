package dev.flagrelay.internal.relay;

/**
 * A successful cache hit: the cached answer, and the second the hit was served. Costs one small
 * object per hit; the collector encodes {@code served} once per batch.
 *
 * @param served the cached answer, which has a value
 * @param creationDate seconds since the epoch
 */
public record CacheHitEvent(ServedAnswer served, long creationDate) implements CollectorEvent {
  @Override
  public String userKey() {
    return FeatureEvent.userKey(served.context());
  }

  /** The same event as a standalone {@link FeatureEvent}. */
  public FeatureEvent toFeatureEvent() {
    return served.event(creationDate);
  }
}
