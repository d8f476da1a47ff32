package dev.flagrelay.stress;

import static dev.flagrelay.stress.RaceAssertions.assertCaught;
import static dev.flagrelay.stress.RaceAssertions.assertClean;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagrelay.internal.events.DataCollector;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.CollectorEvent;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 5: recording racing the collector's overflow drops, its flushes (one in four fails
 * and is requeued) and its shutdown (at a random point of the recording; in one round of four
 * while a failing flush outlives the shutdown budget). Accounting is by event identity: every
 * recorded event is delivered exactly once or dropped exactly once, never both, never neither;
 * the collector's counters equal the events it delivered and dropped. Totals alone would balance
 * a lost event against one counted twice.
 */
@Tag("stress")
@Timeout(90)
class ShutdownRaceTest {
  private static final int RECORDERS = 5;
  private static final int EVENTS_PER_RECORDER = 300;
  private static final int EVENTS_AFTER_SHUTDOWN = 100;
  private static final int MAX_EVENTS_PER_RECORDER = 50_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The collector as the evaluation path and the shutdown path use it. */
  interface Collector {
    void record(CollectorEvent event);

    void close(Duration budget);

    /** Events counted as dropped. */
    long dropped();

    /** Events counted as sent. */
    long sent();
  }

  /** Where every event ended up, by key. */
  static final class Ledger {
    final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> dropped = new ConcurrentHashMap<>();
    final Set<String> recorded = ConcurrentHashMap.newKeySet();

    void delivered(String key) {
      delivered.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    void dropped(String key) {
      dropped.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    int fates(String key) {
      AtomicInteger sent = delivered.get(key);
      AtomicInteger lost = dropped.get(key);
      return (sent == null ? 0 : sent.get()) + (lost == null ? 0 : lost.get());
    }

    long total(Map<String, AtomicInteger> fate) {
      return fate.values().stream().mapToLong(AtomicInteger::get).sum();
    }
  }

  /**
   * Records the key of every event delivered to it. Every fourth post fails as unreachable; in a
   * slow round the first post blocks until the shutdown gave up on it, then fails.
   */
  static final class DeliveryRelay extends StubRelay {
    final Ledger ledger;
    final CountDownLatch shutdownReturned = new CountDownLatch(1);
    private final boolean slow;
    private final AtomicInteger posts = new AtomicInteger();

    DeliveryRelay(Ledger ledger, boolean slow) {
      this.ledger = ledger;
      this.slow = slow;
    }

    boolean slow() {
      return slow;
    }

    @Override
    public void sendEvents(byte[] envelope, Duration timeout) throws RelayException {
      int post = posts.incrementAndGet();
      if (slow && post == 1) {
        awaitUninterruptibly(shutdownReturned);
        throw new RelayUnreachableException("collector answered after the shutdown budget", null, true);
      }
      if (post % 4 == 0) {
        throw new RelayUnreachableException("collector unreachable", null, false);
      }
      try {
        for (JsonNode event : JSON.readTree(envelope).get("events")) {
          ledger.delivered(event.get("key").asText());
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void realCollector_everyEventDeliveredOnceOrDroppedOnce_byIdentity() throws Exception {
    AtomicLong recorded = new AtomicLong();
    // Each round starts and stops a collector and records until after its shutdown, so rounds are
    // few on a busy machine; what must not be vacuous is the number of events accounted for.
    assertClean(race(RealCollector::new, recorded), 1);
    assertThat(recorded).as("events recorded while the collector flushed, overflowed and shut down").hasValueGreaterThan(3_000);
    GoffThreads.awaitNone(DataCollector.THREAD_NAME);
  }

  /**
   * The same accounting with the processors oversubscribed: twelve recorders per core, on
   * platform threads, recording past a cap of 16 so that nearly every event makes an overflow
   * drop. At any instant most recorders, and now and then the sender, are off the processor at
   * an arbitrary instruction, so some are inside the windows between a check and an act when the
   * shutdown drains or a flush takes events: a recorder between its lifecycle check and its
   * append, the sender between reading a ring's oldest event and taking it while a recorder's
   * overflow drop takes it first. With two threads per core those windows open by chance only.
   */
  @Test
  void realCollector_oversubscribedRecorders_everyEventDeliveredOnceOrDroppedOnce() throws Exception {
    AtomicLong recorded = new AtomicLong();
    int recorders = 12 * Runtime.getRuntime().availableProcessors();
    // Rounds are long (each records until well after its shutdown); what must not be vacuous is
    // the number of events accounted for.
    assertClean(flood(RealCollector::new, recorded, recorders), 1);
    assertThat(recorded).as("events recorded while the collector flushed, overflowed and shut down").hasValueGreaterThan(20_000);
    GoffThreads.awaitNone(DataCollector.THREAD_NAME);
  }

  /**
   * The sender taking a flush's events from the rings while recorders, over the cap, drop the
   * oldest events of the same rings: both take from a ring's head at once, on the two cores, many
   * times a flush. The stand-in keeps each posted batch and returns at once (its events are read
   * afterwards), so the sender spends its time taking and encoding rather than in the stand-in.
   * Every event must be delivered once or dropped once: a take that reads the head and removes it
   * in two steps loses one event and counts another twice when a drop comes in between.
   */
  @Test
  void realCollector_sendersTakeRacingOverflowDrops_eachEventDeliveredOnceOrDroppedOnce() throws Exception {
    AtomicLong recorded = new AtomicLong();
    AtomicLong delivered = new AtomicLong();
    int recorders = 2;
    int events = 50_000;
    Map<Integer, TakeRound> rounds = new ConcurrentHashMap<>();
    Race.Outcome outcome =
        Race.runOnPlatformThreads(
            recorders + 1,
            (thread, round, out) -> {
              TakeRound current = rounds.computeIfAbsent(round, r -> new TakeRound(recorders));
              if (thread > 0) {
                try {
                  TrackingEvent[] mine = new TrackingEvent[events];
                  for (int i = 0; i < events; i++) {
                    String key = "e-" + round + "-" + thread + "-" + i;
                    current.ledger.recorded.add(key);
                    mine[i] = event(key);
                  }
                  for (TrackingEvent event : mine) {
                    current.collector.record(event);
                  }
                  recorded.addAndGet(events);
                } finally {
                  current.recordersDone.countDown();
                }
                return;
              }
              current.recordersDone.await(10, TimeUnit.SECONDS);
              current.collector.close(Duration.ofSeconds(2));
              current.readPostedBatches();
              delivered.addAndGet(current.ledger.total(current.ledger.delivered));
              audit(current.asRound(), out);
              rounds.remove(round);
            });
    assertClean(outcome, 3);
    assertThat(recorded).as("events recorded").hasValueGreaterThan(100_000);
    assertThat(delivered).as("events delivered while recorders dropped from the same rings").hasValueGreaterThan(1_000);
    GoffThreads.awaitNone(DataCollector.THREAD_NAME);
  }

  /** A round of the take-versus-drop scenario: a collector over a stand-in that keeps each batch. */
  private static final class TakeRound {
    final Ledger ledger = new Ledger();
    final java.util.concurrent.ConcurrentLinkedQueue<byte[]> posted = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final CountDownLatch recordersDone;
    final DataCollector collector;

    TakeRound(int recorders) {
      recordersDone = new CountDownLatch(recorders);
      StubRelay keeper =
          new StubRelay() {
            @Override
            public void sendEvents(byte[] envelope, Duration timeout) {
              posted.add(envelope); // Already a copy of the sender's buffer.
            }
          };
      collector =
          new DataCollector(
              keeper,
              new JsonCodec(Map.of()),
              256,
              Duration.ofMillis(1),
              Duration.ofSeconds(1),
              event -> ledger.dropped(((TrackingEvent) event).key()));
      collector.start();
    }

    void readPostedBatches() throws IOException {
      for (byte[] envelope : posted) {
        for (JsonNode event : JSON.readTree(envelope).get("events")) {
          ledger.delivered(event.get("key").asText());
        }
      }
    }

    /** This round as {@link #audit} reads it. */
    Round asRound() {
      return new Round(ledger, new RealCollector(collector));
    }
  }

  @Test
  void unsynchronisedLifecycleFlag_isCaught_asUncountedLoss() throws Exception {
    assertCaught(Race.hunt(() -> race(UnguardedCollector::new, new AtomicLong())), Symptom.UNCOUNTED_LOSS);
  }

  interface Factory {
    Collector create(DeliveryRelay relay);
  }

  private static Race.Outcome race(Factory factory, AtomicLong recorded) throws InterruptedException {
    Map<Integer, Round> rounds = new ConcurrentHashMap<>();
    return Race.run(
        RECORDERS + 1,
        (thread, round, out) -> {
          Round current = rounds.computeIfAbsent(round, r -> new Round(factory, r % 4 == 3));
          if (thread > 0) {
            // Record until well after the shutdown returned, so recorders are running (and being
            // descheduled, between a check and an act) all through it.
            int i = 0;
            try {
              for (int after = 0; after < EVENTS_AFTER_SHUTDOWN && i < MAX_EVENTS_PER_RECORDER; i++) {
                String key = "e-" + round + "-" + thread + "-" + i;
                current.ledger.recorded.add(key);
                current.collector.record(event(key));
                current.recorded.incrementAndGet();
                if (current.relay.shutdownReturned.getCount() == 0) {
                  after++;
                }
              }
            } finally {
              recorded.addAndGet(i);
              current.recordersDone.countDown();
            }
            return;
          }
          while (current.recorded.get() < current.closeAfter) {
            Thread.onSpinWait(); // Shut down in the middle of the recording.
          }
          current.collector.close(current.relay.slow() ? Duration.ofMillis(20) : Duration.ofSeconds(2));
          current.relay.shutdownReturned.countDown();
          current.recordersDone.await(10, TimeUnit.SECONDS);
          audit(current, out);
          rounds.remove(round);
        });
  }

  /**
   * {@link #race} on platform threads with many recorders, each recording chunks of events made
   * beforehand, so that recording (not making events) fills the recorders' time.
   */
  private static Race.Outcome flood(Factory factory, AtomicLong recorded, int recorders) throws InterruptedException {
    Map<Integer, Round> rounds = new ConcurrentHashMap<>();
    int chunk = 32;
    return Race.runOnPlatformThreads(
        recorders + 1,
        (thread, round, out) -> {
          Round current = rounds.computeIfAbsent(round, r -> new Round(factory, r % 4 == 3, recorders));
          if (thread > 0) {
            int i = 0;
            try {
              TrackingEvent[] events = new TrackingEvent[chunk];
              for (int after = 0; after < EVENTS_AFTER_SHUTDOWN && i < MAX_EVENTS_PER_RECORDER; ) {
                for (int e = 0; e < chunk; e++) {
                  String key = "e-" + round + "-" + thread + "-" + (i + e);
                  current.ledger.recorded.add(key);
                  events[e] = event(key);
                }
                for (TrackingEvent event : events) {
                  current.collector.record(event);
                }
                i += chunk;
                current.recorded.addAndGet(chunk);
                if (current.relay.shutdownReturned.getCount() == 0) {
                  after += chunk;
                }
              }
            } finally {
              recorded.addAndGet(i);
              current.recordersDone.countDown();
            }
            return;
          }
          while (current.recorded.get() < current.closeAfter) {
            Thread.onSpinWait(); // Shut down in the middle of the recording.
          }
          current.collector.close(current.relay.slow() ? Duration.ofMillis(20) : Duration.ofSeconds(2));
          current.relay.shutdownReturned.countDown();
          current.recordersDone.await(10, TimeUnit.SECONDS);
          audit(current, out);
          rounds.remove(round);
        });
  }

  /** Waits (bounded) for every event to have a fate, then checks each had exactly one. */
  private static void audit(Round round, Race.Violations out) throws InterruptedException {
    Ledger ledger = round.ledger;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!settled(round) && System.nanoTime() < deadline) {
      Thread.sleep(1); // A failed post outlived the shutdown: its requeue is still to come.
    }
    List<String> lost = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    for (String key : ledger.recorded) {
      int fates = ledger.fates(key);
      if (fates == 0) {
        lost.add(key);
      } else if (fates > 1) {
        twice.add(key + " (delivered " + ledger.delivered.get(key) + ", dropped " + ledger.dropped.get(key) + ")");
      }
    }
    if (!twice.isEmpty()) {
      out.report(Symptom.DUPLICATE_EVENT, twice.size() + " events counted twice, e.g. " + twice.subList(0, Math.min(3, twice.size())));
    }
    if (!lost.isEmpty()) {
      out.report(Symptom.UNCOUNTED_LOSS, lost.size() + " events neither delivered nor dropped, e.g. " + lost.subList(0, Math.min(3, lost.size())));
    }
    long droppedEvents = ledger.total(ledger.dropped);
    long deliveredEvents = ledger.total(ledger.delivered);
    if (round.collector.dropped() != droppedEvents || round.collector.sent() != deliveredEvents) {
      out.report(
          Symptom.UNCOUNTED_LOSS,
          "counted " + round.collector.sent() + " sent and " + round.collector.dropped() + " dropped, but "
              + deliveredEvents + " were delivered and " + droppedEvents + " dropped");
    }
  }

  private static boolean settled(Round round) {
    Ledger ledger = round.ledger;
    return ledger.recorded.stream().allMatch(key -> ledger.fates(key) > 0)
        && round.collector.dropped() == ledger.total(ledger.dropped)
        && round.collector.sent() == ledger.total(ledger.delivered);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (latch.getCount() > 0 && System.nanoTime() < deadline) {
      try {
        latch.await(10, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true; // The shutdown gave up on this post; answer after it returned.
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static TrackingEvent event(String key) {
    return new TrackingEvent("user", "u", 1L, key, Map.of(), Map.of());
  }

  private static final class Round {
    final Ledger ledger;
    final DeliveryRelay relay;
    final Collector collector;
    final AtomicInteger recorded = new AtomicInteger();
    final CountDownLatch recordersDone;
    final int closeAfter;

    Round(Factory factory, boolean slow) {
      this(factory, slow, RECORDERS);
    }

    /** A finished round, for {@link #audit} only. */
    Round(Ledger ledger, Collector collector) {
      this.ledger = ledger;
      this.collector = collector;
      this.relay = null;
      this.recordersDone = new CountDownLatch(0);
      this.closeAfter = 0;
    }

    Round(Factory factory, boolean slow, int recorders) {
      ledger = new Ledger();
      recordersDone = new CountDownLatch(recorders);
      closeAfter = ThreadLocalRandom.current().nextInt(recorders * EVENTS_PER_RECORDER);
      relay = new DeliveryRelay(ledger, slow);
      collector = factory.create(relay);
    }
  }

  /**
   * The provider's collector: a small buffer (16) that overflows while it flushes every 8 events,
   * so drops, flushes, requeues and the shutdown all race the recorders.
   */
  private static final class RealCollector implements Collector {
    private final DataCollector collector;

    RealCollector(DeliveryRelay relay) {
      collector =
          new DataCollector(
              relay,
              new JsonCodec(Map.of()),
              8,
              Duration.ofMillis(1),
              Duration.ofSeconds(1),
              event -> relay.ledger.dropped(((TrackingEvent) event).key()));
      collector.start();
    }

    /** A collector already made and started elsewhere. */
    RealCollector(DataCollector collector) {
      this.collector = collector;
    }

    @Override
    public void record(CollectorEvent event) {
      collector.record(event);
    }

    @Override
    public void close(Duration budget) {
      collector.close(budget);
    }

    @Override
    public long dropped() {
      return collector.droppedEvents();
    }

    @Override
    public long sent() {
      return collector.sentEvents();
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
    private long sent;

    UnguardedCollector(DeliveryRelay relay) {
      this.relay = relay;
    }

    @Override
    public void record(CollectorEvent event) {
      String key = ((TrackingEvent) event).key();
      if (closed) {
        synchronized (buffer) {
          dropped++;
          relay.ledger.dropped(key);
        }
        return;
      }
      for (int spin = 0; spin < 200; spin++) {
        Thread.onSpinWait(); // Validation, enrichment: anything between the check and the append.
      }
      synchronized (buffer) {
        buffer.add(key);
      }
    }

    @Override
    public void close(Duration budget) {
      closed = true;
      synchronized (buffer) {
        buffer.forEach(relay.ledger::delivered);
        sent += buffer.size();
        buffer.clear();
      }
    }

    @Override
    public long dropped() {
      synchronized (buffer) {
        return dropped;
      }
    }

    @Override
    public long sent() {
      synchronized (buffer) {
        return sent;
      }
    }
  }
}
