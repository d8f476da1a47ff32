package dev.flagrelay.internal.relay;

/** One event for the relay's data collector; see {@link FeatureEvent} and {@link TrackingEvent}. */
public sealed interface CollectorEvent permits FeatureEvent, TrackingEvent {
  /** The targeting key, or {@code undefined-targetingKey}. */
  String userKey();

  /** Seconds since the epoch. */
  long creationDate();
}
