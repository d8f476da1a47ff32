package dev.flagrelay.stress;

import static dev.flagrelay.stress.RaceAssertions.assertCaught;
import static dev.flagrelay.stress.RaceAssertions.assertClean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagrelay.internal.events.DataCollector;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.CollectorEvent;
import dev.flagrelay.internal.relay.TrackingEvent;
import dev.flagrelay.testing.GoffThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 5: shutdown racing {@code track} and a flush. Every recorded event is delivered exactly
 * once or counted as dropped, no exception escapes, and no collector thread is left.
 */
@Tag("stress")
@Timeout(90)
class ShutdownRaceTest {
  private static final int RECORDERS = 3;
  private static final int EVENTS_PER_RECORDER = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The collector as the evaluation path and the shutdown path use it. */
  interface Collector {
    void record(CollectorEvent event);

    void close();

    long dropped();
  }

  /** Records the keys of every event that reached it. */
  static final class DeliveryRelay extends StubRelay {
    final Set<String> delivered = ConcurrentHashMap.newKeySet();
    final AtomicLong duplicates = new AtomicLong();

    @Override
    public void sendEvents(byte[] envelope, Duration timeout) {
      try {
        for (JsonNode event : JSON.readTree(envelope).get("events")) {
          if (!delivered.add(event.get("key").asText())) {
            duplicates.incrementAndGet();
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    void deliver(List<String> keys) {
      keys.forEach(key -> {
        if (!delivered.add(key)) {
          duplicates.incrementAndGet();
        }
      });
    }
  }

  @Test
  void realCollector_everyEventDeliveredOnceOrCounted() throws Exception {
    assertClean(race(relay -> new RealCollector(relay)), 10);
    GoffThreads.awaitNone(DataCollector.THREAD_NAME);
  }

  @Test
  void unsynchronisedLifecycleFlag_isCaught_asUncountedLoss() throws Exception {
    assertCaught(Race.hunt(() -> race(UnguardedCollector::new)), Symptom.UNCOUNTED_LOSS);
  }

  interface Factory {
    Collector create(DeliveryRelay relay);
  }

  private static Race.Outcome race(Factory factory) throws InterruptedException {
    Map<Integer, Round> rounds = new ConcurrentHashMap<>();
    return Race.run(
        RECORDERS + 1,
        100,
        (thread, round, out) -> {
          Round current = rounds.computeIfAbsent(round, r -> new Round(factory));
          if (thread > 0) {
            try {
              for (int i = 0; i < EVENTS_PER_RECORDER; i++) {
                current.collector.record(event("e-" + round + "-" + thread + "-" + i));
                current.recorded.incrementAndGet();
              }
            } finally {
              current.recordersDone.countDown();
            }
            return;
          }
          while (current.recorded.get() < EVENTS_PER_RECORDER) {
            Thread.onSpinWait(); // Shut down in the middle of the recording.
          }
          current.collector.close();
          current.recordersDone.await(10, TimeUnit.SECONDS);
          long accounted = current.relay.delivered.size() + current.collector.dropped();
          if (current.relay.duplicates.get() > 0) {
            out.report(Symptom.DUPLICATE_EVENT, current.relay.duplicates.get() + " events delivered twice");
          }
          if (accounted != current.recorded.get()) {
            out.report(
                Symptom.UNCOUNTED_LOSS,
                "recorded " + current.recorded.get() + ", delivered " + current.relay.delivered.size()
                    + ", dropped " + current.collector.dropped());
          }
          rounds.remove(round);
        });
  }

  private static TrackingEvent event(String key) {
    return new TrackingEvent("user", "u", 1L, key, Map.of(), Map.of());
  }

  private static final class Round {
    final DeliveryRelay relay = new DeliveryRelay();
    final Collector collector;
    final AtomicInteger recorded = new AtomicInteger();
    final CountDownLatch recordersDone = new CountDownLatch(RECORDERS);

    Round(Factory factory) {
      collector = factory.create(relay);
    }
  }

  /** The provider's collector, flushing early every 64 events so flushes race the shutdown too. */
  private static final class RealCollector implements Collector {
    private final DataCollector collector;

    RealCollector(DeliveryRelay relay) {
      collector =
          new DataCollector(relay, new JsonCodec(Map.of()), 64, Duration.ofMillis(5), Duration.ofSeconds(1));
      collector.start();
    }

    @Override
    public void record(CollectorEvent event) {
      collector.record(event);
    }

    @Override
    public void close() {
      collector.close(Duration.ofSeconds(2));
    }

    @Override
    public long dropped() {
      return collector.droppedEvents();
    }
  }

  /**
   * Racy twin: the lifecycle flag is a plain field checked before the append, so an event can slip
   * in after shutdown drained the buffer and is then neither sent nor counted.
   */
  private static final class UnguardedCollector implements Collector {
    private final DeliveryRelay relay;
    private final List<String> buffer = new ArrayList<>();
    private boolean closed;
    private long dropped;

    UnguardedCollector(DeliveryRelay relay) {
      this.relay = relay;
    }

    @Override
    public void record(CollectorEvent event) {
      if (closed) {
        synchronized (buffer) {
          dropped++;
        }
        return;
      }
      for (int spin = 0; spin < 200; spin++) {
        Thread.onSpinWait(); // Validation, enrichment: anything between the check and the append.
      }
      synchronized (buffer) {
        buffer.add(((TrackingEvent) event).key());
      }
    }

    @Override
    public void close() {
      closed = true;
      synchronized (buffer) {
        relay.deliver(List.copyOf(buffer));
        buffer.clear();
      }
    }

    @Override
    public long dropped() {
      synchronized (buffer) {
        return dropped;
      }
    }
  }
}
