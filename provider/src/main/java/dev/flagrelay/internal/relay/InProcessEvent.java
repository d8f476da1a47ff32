package dev.flagrelay.internal.relay;

/**
 * A successful evaluation made in the application's process: the event shared by every
 * evaluation with the same answer (built once per configuration), who it was for, and when.
 * Costs one small object per evaluation; the collector encodes {@code answer} once per batch.
 *
 * @param answer the answer's event ({@link FeatureEvent#evaluatedInProcess}); its context kind,
 *     user key and creation date are ignored
 * @param contextKind {@code user} or {@code anonymousUser}
 * @param userKey the targeting key, or {@code undefined-targetingKey}
 * @param creationDate seconds since the epoch
 */
public record InProcessEvent(FeatureEvent answer, String contextKind, String userKey, long creationDate)
    implements CollectorEvent {
  /** The same event as a standalone {@link FeatureEvent}. */
  public FeatureEvent toFeatureEvent() {
    return new FeatureEvent(
        contextKind,
        userKey,
        creationDate,
        answer.key(),
        answer.variation(),
        answer.value(),
        answer.failed(),
        answer.version(),
        answer.source());
  }
}
