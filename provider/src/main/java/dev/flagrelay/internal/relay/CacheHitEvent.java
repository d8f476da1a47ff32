package dev.flagrelay.internal.relay;

/**
 * A successful cache hit: the event built once for the cached answer, and the second the hit was
 * served. Costs one small object per hit; the collector encodes {@code served} once per batch.
 *
 * @param served the answer's event ({@link FeatureEvent#servedFromCache}); its own creation date
 *     is ignored
 * @param creationDate seconds since the epoch
 */
public record CacheHitEvent(FeatureEvent served, long creationDate) implements CollectorEvent {
  @Override
  public String userKey() {
    return served.userKey();
  }

  /** The same event as a standalone {@link FeatureEvent}. */
  public FeatureEvent toFeatureEvent() {
    return new FeatureEvent(
        served.contextKind(),
        served.userKey(),
        creationDate,
        served.key(),
        served.variation(),
        served.value(),
        served.failed(),
        served.version(),
        served.source());
  }
}
