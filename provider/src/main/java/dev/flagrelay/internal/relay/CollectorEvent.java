package dev.flagrelay.internal.relay;

/** One event for the relay's data collector; see {@link FeatureEvent}, {@link CacheHitEvent} and {@link TrackingEvent}. */
public sealed interface CollectorEvent permits FeatureEvent, CacheHitEvent, TrackingEvent {
  /** The targeting key, or {@code undefined-targetingKey}. */
  String userKey();

  /** Seconds since the epoch. */
  long creationDate();
}
