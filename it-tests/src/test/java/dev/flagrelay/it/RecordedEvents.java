package dev.flagrelay.it;

import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every provider event an API instance delivers to its handlers, in arrival order. */
final class RecordedEvents {
  /** One delivered event. */
  record Event(ProviderEvent type, EventDetails details) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  private RecordedEvents() {}

  /** Registers a handler for every event type; call before the provider is set. */
  static RecordedEvents attachTo(OpenFeatureAPI api) {
    RecordedEvents recorded = new RecordedEvents();
    for (ProviderEvent type : ProviderEvent.values()) {
      api.on(type, details -> recorded.events.add(new Event(type, details)));
    }
    return recorded;
  }

  List<EventDetails> of(ProviderEvent type) {
    return events.stream().filter(event -> event.type() == type).map(Event::details).toList();
  }

  List<ProviderEvent> types() {
    return events.stream().map(Event::type).toList();
  }
}
