package dev.flagrelay;

import static dev.flagrelay.stress.RaceAssertions.assertCaught;
import static dev.flagrelay.stress.RaceAssertions.assertClean;

import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.stress.Race;
import dev.flagrelay.stress.StubRelay;
import dev.flagrelay.stress.Symptom;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 4: handlers are added and removed while the provider emits from its poller thread. No
 * exception, and a handler that stays registered keeps receiving every later event.
 */
@Tag("stress")
@Timeout(90)
class ListenerRaceTest {
  /** Where handlers register and events are delivered. */
  interface EventPath {
    void add(Consumer<EventDetails> handler);

    void remove(Consumer<EventDetails> handler);

    /** Makes at least one more event happen (the real provider emits on its own). */
    void emit();
  }

  @Test
  void realProvider_handlersChurnWhileThePollerEmits() throws Exception {
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options(), new ChangingRelay());
    api.setProviderAndWait(provider);
    try {
      assertClean(race(new SdkEvents(api)), 3);
    } finally {
      api.shutdown();
    }
  }

  @Test
  void arrayListOfListeners_isCaught_asListenerRace() throws Exception {
    assertCaught(Race.hunt(() -> race(new ArrayListEvents())), Symptom.LISTENER_RACE, Symptom.CONCURRENT_MODIFICATION);
  }

  private static Race.Outcome race(EventPath events) throws InterruptedException {
    AtomicLong received = new AtomicLong();
    Consumer<EventDetails> permanent = details -> received.incrementAndGet();
    events.add(permanent);
    for (int i = 0; i < 16; i++) {
      events.add(details -> Thread.onSpinWait()); // Bystanders: a longer list to walk.
    }
    Map<Integer, AtomicBoolean> emitting = new ConcurrentHashMap<>();
    return Race.run(
        4,
        (thread, round, out) -> {
          AtomicBoolean done = emitting.computeIfAbsent(round, r -> new AtomicBoolean());
          if (thread == 0) {
            try {
              emitWhileOthersChurn(events, received, out);
            } finally {
              done.set(true);
            }
            return;
          }
          // Churn for as long as the emitter runs, so the two paths overlap for the whole round.
          try {
            for (int i = 0; i < 20_000 && !done.get(); i++) {
              Consumer<EventDetails> churn = details -> {};
              events.add(churn);
              events.remove(churn);
              if (i % 64 == 63) {
                // Breathe: registrations take the SDK's API lock, which event delivery needs too.
                Thread.sleep(1);
              }
            }
          } catch (ConcurrentModificationException e) {
            throw e;
          } catch (RuntimeException e) {
            // A list corrupted by unsynchronised writers fails with index or null errors.
            out.report(Symptom.LISTENER_RACE, "handler registration failed: " + e);
          }
        });
  }

  private static void emitWhileOthersChurn(EventPath events, AtomicLong received, Race.Violations out) {
    long before = received.get();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try {
      for (int k = 0; k < 500 || (received.get() < before + 3 && System.nanoTime() < deadline); k++) {
        events.emit();
      }
    } catch (ConcurrentModificationException e) {
      throw e;
    } catch (RuntimeException e) {
      out.report(Symptom.LISTENER_RACE, "emitting failed: " + e);
      return;
    }
    if (received.get() < before + 3) {
      out.report(Symptom.LISTENER_RACE, "the permanent handler stopped receiving events");
    }
  }

  private static GoFeatureFlagProviderOptions options() {
    return GoFeatureFlagProviderOptions.builder()
        .endpoint("http://127.0.0.1:9")
        .flagChangePollingInterval(Duration.ofMillis(1))
        .disableDataCollection(true)
        .build();
  }

  /** Every poll reports flag "f" with a new hash: the provider emits CONFIGURATION_CHANGED each time. */
  private static final class ChangingRelay extends StubRelay {
    private final AtomicInteger version = new AtomicInteger();

    @Override
    public FlagChanges flagChanges(String etag) {
      int v = version.incrementAndGet();
      return FlagChanges.of("\"" + v + "\"", Map.of("f", (long) v));
    }
  }

  private static final class SdkEvents implements EventPath {
    private final OpenFeatureAPI api;

    SdkEvents(OpenFeatureAPI api) {
      this.api = api;
    }

    @Override
    public void add(Consumer<EventDetails> handler) {
      api.on(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, handler);
    }

    @Override
    public void remove(Consumer<EventDetails> handler) {
      api.removeHandler(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, handler);
    }

    @Override
    public void emit() {
      Thread.onSpinWait(); // The poller emits by itself every millisecond.
    }
  }

  /** Racy twin: a plain {@code ArrayList} of handlers iterated by the emitting thread. */
  private static final class ArrayListEvents implements EventPath {
    private final List<Consumer<EventDetails>> handlers = new ArrayList<>();

    @Override
    public void add(Consumer<EventDetails> handler) {
      handlers.add(handler);
    }

    @Override
    public void remove(Consumer<EventDetails> handler) {
      handlers.remove(handler);
    }

    @Override
    public void emit() {
      EventDetails details = EventDetails.builder().providerName("racy").build();
      for (Consumer<EventDetails> handler : handlers) {
        handler.accept(details);
      }
    }
  }
}
