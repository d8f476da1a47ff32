package dev.flagrelay.internal.relay;

/**
 * One event for the relay's data collector; see {@link FeatureEvent}, {@link CacheHitEvent}, {@link
 * InProcessEvent} and {@link TrackingEvent}.
 */
public sealed interface CollectorEvent permits FeatureEvent, CacheHitEvent, InProcessEvent, TrackingEvent {
  /** The targeting key, or {@code undefined-targetingKey}. */
  String userKey();

  /** Seconds since the epoch. */
  long creationDate();
}
