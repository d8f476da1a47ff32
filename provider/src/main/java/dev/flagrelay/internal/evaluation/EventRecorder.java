package dev.flagrelay.internal.evaluation;

import dev.flagrelay.internal.relay.CollectorEvent;

/** Takes an event for the data collector without blocking and without I/O. */
@FunctionalInterface
public interface EventRecorder {
  EventRecorder NONE = event -> {};

  void record(CollectorEvent event);
}
