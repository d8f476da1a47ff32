package dev.flagrelay.internal.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.CollectorEvent;
import dev.flagrelay.internal.relay.FeatureEvent;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import dev.flagrelay.testing.RecordingRelayClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GOFF-COLL-014..019: batching, flush triggers, outages, the cap, shutdown. */
@ExtendWith(FastPolling.class)
class DataCollectorTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final Duration NEVER = Duration.ofHours(1);

  private final RecordingRelayClient relay = new RecordingRelayClient();
  private final JsonCodec codec = new JsonCodec(meta());
  private final List<DataCollector> collectors = new ArrayList<>();
  /** Released at the end of each test, so no fake stays blocked. */
  private final CountDownLatch release = new CountDownLatch(1);

  private static Map<String, Object> meta() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("env", "test");
    meta.put("provider", "java");
    meta.put("openfeature", true);
    return meta;
  }

  private DataCollector collector(int maxPendingEvents, Duration flushInterval) {
    DataCollector collector = new DataCollector(relay, codec, maxPendingEvents, flushInterval, TIMEOUT);
    collectors.add(collector);
    return collector;
  }

  @AfterEach
  void closeAndCheckForLeaks() {
    release.countDown();
    for (DataCollector collector : collectors) {
      collector.close(Duration.ofSeconds(1));
    }
    GoffThreads.awaitNone(DataCollector.THREAD_NAME);
  }

  private static FeatureEvent event(String key) {
    return new FeatureEvent("user", "u1", 1_700_000_000L, key, "on", true, false, "", FeatureEvent.SOURCE_PROVIDER_CACHE);
  }

  private static List<String> keys(String prefix, int fromInclusive, int toExclusive) {
    return IntStream.range(fromInclusive, toExclusive).mapToObj(i -> prefix + i).collect(Collectors.toList());
  }

  private static void recordAll(DataCollector collector, List<String> keys) {
    keys.forEach(key -> collector.record(event(key)));
  }

  private static List<String> pendingKeys(DataCollector collector) {
    List<String> keys = new ArrayList<>();
    for (CollectorEvent event : collector.snapshotPending()) {
      keys.add(((FeatureEvent) event).key());
    }
    return keys;
  }

  /** A send that blocks until {@link #release}; an interrupt becomes an I/O failure, as in OkHttp. */
  private RecordingRelayClient.OnSendEvents blockUntilReleased(CountDownLatch sendStarted) {
    return (envelope, timeout) -> {
      sendStarted.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RelayUnreachableException("interrupted", e, true);
      }
    };
  }

  @Test
  void periodicFlush_sendsPendingEvents() {
    DataCollector collector = collector(100, Duration.ofMillis(30));
    collector.start();

    recordAll(collector, keys("e", 0, 3));

    await().until(() -> relay.deliveredEventKeys().size() == 3);
    assertThat(relay.deliveredEventKeys()).containsExactly("e0", "e1", "e2");
    assertThat(collector.sentEvents()).isEqualTo(3);
  }

  @Test
  void periodicFlush_envelopeCarriesTheMeta() {
    DataCollector collector = collector(100, Duration.ofMillis(30));
    collector.start();

    collector.record(event("e0"));

    await().until(() -> !relay.deliveredEnvelopes().isEmpty());
    JsonNode meta = relay.deliveredEnvelopes().get(0).get("meta");
    assertThat(meta.get("provider").asText()).isEqualTo("java");
    assertThat(meta.get("openfeature").asBoolean()).isTrue();
    assertThat(meta.get("env").asText()).isEqualTo("test");
  }

  @Test
  void periodicFlush_usesTheConfiguredTimeout() {
    DataCollector collector = collector(100, Duration.ofMillis(30));
    collector.start();

    collector.record(event("e0"));

    await().until(() -> relay.sendAttempts() == 1);
    assertThat(relay.sendTimeouts()).containsExactly(TIMEOUT);
  }

  @Test
  void maxPendingEventsReached_flushesWithoutWaitingForTheInterval() {
    DataCollector collector = collector(5, NEVER);
    collector.start();

    recordAll(collector, keys("e", 0, 5));

    await().until(() -> relay.deliveredEventKeys().size() == 5);
    assertThat(relay.deliveredEnvelopes()).hasSize(1);
    assertThat(relay.deliveredEventKeys()).containsExactlyElementsOf(keys("e", 0, 5));
  }

  @Test
  void outageThenRecovery_eventsOfTheOutageArriveAfterInOrder() {
    AtomicBoolean down = new AtomicBoolean(true);
    relay.onSendEvents(
        (envelope, timeout) -> {
          if (down.get()) {
            throw new RelayUnreachableException("connection refused", null, false);
          }
        });
    DataCollector collector = collector(100, Duration.ofMillis(20));
    collector.start();
    recordAll(collector, keys("e", 0, 3));
    await().until(() -> relay.sendAttempts() >= 2);
    recordAll(collector, keys("e", 3, 5));
    int attempts = relay.sendAttempts();
    await().until(() -> relay.sendAttempts() > attempts);

    down.set(false);

    await().until(() -> relay.deliveredEventKeys().size() == 5);
    assertThat(relay.deliveredEventKeys()).containsExactlyElementsOf(keys("e", 0, 5));
    assertThat(collector.droppedEvents()).isZero();
  }

  @Test
  void serverErrorThenRecovery_batchKeptAndSent() {
    AtomicInteger calls = new AtomicInteger();
    relay.onSendEvents(
        (envelope, timeout) -> {
          if (calls.incrementAndGet() == 1) {
            throw new RelayHttpException(503, null, "Service Unavailable");
          }
        });
    DataCollector collector = collector(100, Duration.ofMillis(20));
    collector.start();

    recordAll(collector, keys("e", 0, 3));

    await().until(() -> relay.deliveredEventKeys().size() == 3);
    assertThat(relay.deliveredEventKeys()).containsExactly("e0", "e1", "e2");
    assertThat(collector.rejectedEvents()).isZero();
  }

  /**
   * During an outage the requeued batch keeps the buffer above maxPendingEvents, so every new
   * event asks for another flush: the collector posts (and encodes the whole buffer) back to back
   * for as long as the relay fails fast, instead of waiting for the next interval.
   */
  @Test
  void outageWithBufferAboveThreshold_newEventsDoNotTriggerBackToBackFlushes() throws InterruptedException {
    Semaphore attempts = new Semaphore(0);
    relay.onSendEvents(
        (envelope, timeout) -> {
          attempts.release();
          throw new RelayHttpException(503, null, "Service Unavailable");
        });
    DataCollector collector = collector(5, NEVER);
    collector.start();
    recordAll(collector, keys("e", 0, 5));
    assertThat(attempts.tryAcquire(5, TimeUnit.SECONDS)).as("threshold flush").isTrue();
    await().until(() -> collector.pendingEvents() == 5); // the failed batch is back

    int extraAttempts = 0;
    for (int i = 5; i < 10; i++) {
      collector.record(event("e" + i));
      if (attempts.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        extraAttempts++;
      }
    }

    assertThat(extraAttempts).as("flushes started by single events during the outage").isLessThanOrEqualTo(1);
  }

  @Test
  void beyondTwiceMaxPendingEvents_oldestDroppedAndCounted() {
    DataCollector collector = collector(5, NEVER); // never started: nothing is sent

    recordAll(collector, keys("e", 0, 13));

    assertThat(pendingKeys(collector)).containsExactlyElementsOf(keys("e", 3, 13));
    assertThat(collector.droppedEvents()).isEqualTo(3);
  }

  @Test
  void outageBeyondTheCap_exactlyTheOldestMissingAndCounted() {
    AtomicBoolean down = new AtomicBoolean(true);
    relay.onSendEvents(
        (envelope, timeout) -> {
          if (down.get()) {
            throw new RelayUnreachableException("connection refused", null, false);
          }
        });
    DataCollector collector = collector(5, Duration.ofMillis(10));
    collector.start();
    List<String> recorded = keys("e", 0, 30);
    recordAll(collector, recorded);
    // One whole attempt after the last record: every failed batch is back and trimmed to the cap.
    int attempts = relay.sendAttempts();
    await().until(() -> relay.sendAttempts() > attempts);

    down.set(false);

    await().until(() -> collector.pendingEvents() == 0 && relay.deliveredEventKeys().size() == 10);
    List<String> delivered = relay.deliveredEventKeys();
    assertThat(delivered).containsExactlyElementsOf(recorded.subList(20, 30));
    assertThat(collector.droppedEvents()).isEqualTo(recorded.size() - delivered.size());
  }

  @Test
  void collectorRefusesABatch_droppedAndCountedAsRejected() {
    AtomicInteger calls = new AtomicInteger();
    relay.onSendEvents(
        (envelope, timeout) -> {
          if (calls.incrementAndGet() == 1) {
            throw new RelayHttpException(400, null, "events is required");
          }
        });
    DataCollector collector = collector(100, Duration.ofMillis(20));
    collector.start();
    recordAll(collector, keys("e", 0, 2));
    await().until(() -> collector.rejectedEvents() == 2);

    collector.record(event("e2"));

    await().until(() -> relay.deliveredEventKeys().size() == 1);
    assertThat(relay.deliveredEventKeys()).containsExactly("e2");
    assertThat(collector.droppedEvents()).isZero();
  }

  @Test
  void sixteenThreadsRecordingWhileFlushesRun_everyEventDeliveredExactlyOnce() throws Exception {
    int threadCount = 16;
    int perThread = 1_000;
    DataCollector collector = collector(10_000, Duration.ofMillis(5));
    collector.start();
    ExecutorService producers = Executors.newFixedThreadPool(threadCount);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threadCount; t++) {
      String prefix = "t" + t + "-";
      done.add(
          producers.submit(
              () -> {
                go.await();
                recordAll(collector, keys(prefix, 0, perThread / 2));
                // Arranged, not hoped for: recording 16,000 events can take less time than the
                // sender needs to be scheduled once, so half of them wait for a flush to have run.
                await().atMost(Duration.ofSeconds(30)).until(() -> relay.sendAttempts() > 0);
                recordAll(collector, keys(prefix, perThread / 2, perThread));
                return null;
              }));
    }
    go.countDown();
    for (Future<?> future : done) {
      future.get(60, TimeUnit.SECONDS);
    }
    producers.shutdown();

    collector.close(Duration.ofSeconds(5));

    List<String> delivered = relay.deliveredEventKeys();
    Set<String> expected = new HashSet<>();
    for (int t = 0; t < threadCount; t++) {
      expected.addAll(keys("t" + t + "-", 0, perThread));
    }
    assertThat(delivered).hasSize(threadCount * perThread);
    assertThat(new HashSet<>(delivered)).isEqualTo(expected);
    assertThat(collector.droppedEvents()).isZero();
    assertThat(relay.sendAttempts()).as("flushes ran while recording").isGreaterThan(1);
  }

  @Test
  void sixteenThreadsRecording_eachThreadsEventsDeliveredInItsOrder() throws Exception {
    int threadCount = 16;
    DataCollector collector = collector(10_000, Duration.ofMillis(5));
    collector.start();
    ExecutorService producers = Executors.newFixedThreadPool(threadCount);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threadCount; t++) {
      String prefix = "t" + t + "-";
      done.add(producers.submit(() -> recordAll(collector, keys(prefix, 0, 500))));
    }
    for (Future<?> future : done) {
      future.get(10, TimeUnit.SECONDS);
    }
    producers.shutdown();

    collector.close(Duration.ofSeconds(5));

    List<String> delivered = relay.deliveredEventKeys();
    for (int t = 0; t < threadCount; t++) {
      String prefix = "t" + t + "-";
      assertThat(delivered.stream().filter(key -> key.startsWith(prefix)))
          .containsExactlyElementsOf(keys(prefix, 0, 500));
    }
  }

  @Test
  void flushesNeverOverlap() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    relay.onSendEvents(
        (envelope, timeout) -> {
          mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          Thread.yield();
          inFlight.decrementAndGet();
        });
    DataCollector collector = collector(10, Duration.ofMillis(1));
    collector.start();
    ExecutorService producers = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String prefix = "t" + t + "-";
      done.add(
          producers.submit(
              () -> {
                for (String key : keys(prefix, 0, 300)) {
                  collector.record(event(key));
                  if (key.endsWith("0")) {
                    Thread.sleep(1); // Let the 1 ms flush schedule run many times meanwhile.
                  }
                }
                return null;
              }));
    }
    for (Future<?> future : done) {
      future.get(10, TimeUnit.SECONDS);
    }
    producers.shutdown();

    collector.close(Duration.ofSeconds(5));

    assertThat(relay.sendAttempts()).isGreaterThan(1);
    assertThat(mostAtOnce).hasValue(1);
  }

  @Test
  void close_flushesPendingWithinTheBudget() {
    DataCollector collector = collector(100, NEVER);
    collector.start();
    recordAll(collector, keys("e", 0, 3));

    long started = System.nanoTime();
    collector.close(Duration.ofSeconds(2));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(relay.deliveredEventKeys()).containsExactly("e0", "e1", "e2");
    assertThat(collector.droppedEvents()).isZero();
  }

  @Test
  void close_leavesNoCollectorThread() {
    DataCollector collector = collector(100, Duration.ofMillis(10));
    collector.start();
    collector.record(event("e0"));

    collector.close(Duration.ofSeconds(2));

    GoffThreads.awaitNone(DataCollector.THREAD_NAME);
  }

  @Test
  void close_neverStarted_stillFlushes() {
    DataCollector collector = collector(100, NEVER);
    collector.record(event("e0"));

    collector.close(Duration.ofSeconds(2));

    assertThat(relay.deliveredEventKeys()).containsExactly("e0");
  }

  @Test
  void close_twice_isHarmless() {
    DataCollector collector = collector(100, NEVER);
    collector.record(event("e0"));
    collector.close(Duration.ofSeconds(2));

    collector.close(Duration.ofSeconds(2));

    assertThat(relay.sendAttempts()).isEqualTo(1);
  }

  @Test
  void close_relayHangs_returnsWithinTheBudget() {
    CountDownLatch sendStarted = new CountDownLatch(1);
    relay.onSendEvents(blockUntilReleased(sendStarted));
    DataCollector collector = collector(100, NEVER);
    collector.record(event("e0"));

    long started = System.nanoTime();
    collector.close(Duration.ofMillis(300));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  /**
   * Regression: a periodic flush stuck on a hanging relay holds its batch when close() gives up;
   * the batch came back after close() had counted what was left, so it was neither sent nor
   * counted as dropped.
   */
  @Test
  void close_whileAFlushIsStuck_unsentBatchCountedAsDropped() throws InterruptedException {
    CountDownLatch sendStarted = new CountDownLatch(1);
    CountDownLatch closeReturned = new CountDownLatch(1);
    relay.onSendEvents(
        (envelope, timeout) -> {
          sendStarted.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            // As OkHttp does on interrupt, fail the call; here only once close() has returned.
            awaitUninterruptibly(closeReturned);
            throw new RelayUnreachableException("interrupted", e, true);
          }
        });
    DataCollector collector = collector(100, Duration.ofMillis(10));
    collector.start();
    recordAll(collector, keys("e", 0, 3));
    assertThat(sendStarted.await(5, TimeUnit.SECONDS)).isTrue();

    collector.close(Duration.ofMillis(200));
    closeReturned.countDown();

    GoffThreads.awaitNone(DataCollector.THREAD_NAME);
    assertThat(collector.sentEvents() + collector.droppedEvents())
        .as("every recorded event is either sent or counted as dropped (pending: %s)", collector.pendingEvents())
        .isEqualTo(3);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void recordAfterClose_countedAsDroppedAndNeverSent() {
    DataCollector collector = collector(100, NEVER);
    collector.close(Duration.ofSeconds(1));

    collector.record(event("late"));

    assertThat(collector.droppedEvents()).isEqualTo(1);
    assertThat(relay.sendAttempts()).isZero();
  }

  @Test
  void record_neverBlocksWhileTheSenderIsStuck() throws InterruptedException {
    CountDownLatch sendStarted = new CountDownLatch(1);
    relay.onSendEvents(blockUntilReleased(sendStarted));
    DataCollector collector = collector(5, Duration.ofMillis(10));
    collector.start();
    collector.record(event("e0"));
    assertThat(sendStarted.await(5, TimeUnit.SECONDS)).as("send started").isTrue();

    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> recordAll(collector, keys("while-stuck-", 0, 100)));

    assertThat(relay.sendAttempts()).isEqualTo(1);
  }

  @Test
  void runtimeExceptionFromTheRelay_periodicFlushGoesOn() {
    AtomicInteger calls = new AtomicInteger();
    relay.onSendEvents(
        (envelope, timeout) -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("bug in the transport");
          }
        });
    DataCollector collector = collector(100, Duration.ofMillis(20));
    collector.start();
    collector.record(event("e0"));
    await().until(() -> calls.get() >= 1);

    collector.record(event("e1"));

    await().until(() -> relay.deliveredEventKeys().contains("e1"));
    assertThat(collector.droppedEvents()).as("the batch the bug lost is counted").isEqualTo(1);
  }

  /** A bug in the final flush is logged with the loss, not swallowed by the sender's executor. */
  @Test
  void runtimeExceptionInTheFinalFlush_loggedAndCounted() {
    relay.onSendEvents(
        (envelope, timeout) -> {
          throw new IllegalStateException("bug in the transport");
        });
    DataCollector collector = collector(100, Duration.ofMinutes(1));
    collector.start();
    collector.record(event("e0"));
    collector.record(event("e1"));
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      collector.close(Duration.ofSeconds(5));
    } finally {
      System.setErr(originalErr);
    }

    assertThat(relay.sendAttempts()).isEqualTo(1);
    assertThat(collector.droppedEvents()).isEqualTo(2);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("final flush failed unexpectedly", "IllegalStateException: bug in the transport");
  }

  /**
   * The lock-free buffer's accounting under everything at once: four recorders overflowing a
   * small cap while every other flush fails and its batch is requeued, then shutdown. Each event
   * must end up exactly once: delivered (never twice) or counted as dropped.
   *
   * <p>What the test needs is arranged, not hoped for: the first batch is held until the
   * recorders have overflowed the cap, and every recorder goes on recording past its quota until
   * a failed flush has been retried. (With a fixed quota, a sender thread not scheduled while the
   * recorders ran saw one flush and the final one, and the test failed without a bug: 2 runs in
   * 40 on one core.)
   */
  @Test
  void concurrentRecordersOverflowAndFailingFlushes_everyEventDeliveredOnceOrCountedDropped() throws Exception {
    DataCollector collector = collector(50, Duration.ofMillis(1));
    AtomicInteger attempts = new AtomicInteger();
    relay.onSendEvents(
        (envelope, timeout) -> {
          int attempt = attempts.incrementAndGet();
          if (attempt == 1) {
            await().atMost(Duration.ofSeconds(30)).until(() -> collector.droppedEvents() > 0);
          }
          if (attempt % 2 == 0) {
            throw new RelayUnreachableException("connection reset", null, false);
          }
        });
    collector.start();
    int threads = 4;
    int quota = 5_000;
    int retried = 3; // Attempt 2 fails, attempt 3 carries its batch again.
    ExecutorService recorders = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<Integer>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t + "-";
      done.add(
          recorders.submit(
              () -> {
                start.await();
                int recorded = 0;
                while (recorded < quota || attempts.get() < retried) {
                  collector.record(event(prefix + recorded++));
                }
                return recorded;
              }));
    }
    long recorded = 0;
    for (Future<Integer> future : done) {
      recorded += future.get(60, TimeUnit.SECONDS);
    }
    recorders.shutdown();

    collector.close(Duration.ofSeconds(2));

    List<String> delivered = relay.deliveredEventKeys();
    assertThat(new HashSet<>(delivered)).as("no event delivered twice").hasSize(delivered.size());
    assertThat(collector.sentEvents()).isEqualTo(delivered.size());
    assertThat(collector.sentEvents() + collector.droppedEvents()).isEqualTo(recorded);
    assertThat(collector.droppedEvents()).as("the cap was really exceeded").isPositive();
    assertThat(attempts.get()).as("flushes really failed and were retried").isGreaterThanOrEqualTo(retried);
    for (int t = 0; t < threads; t++) {
      String prefix = "t" + t + "-";
      List<Integer> order =
          delivered.stream().filter(key -> key.startsWith(prefix)).map(key -> Integer.parseInt(key.substring(prefix.length()))).toList();
      assertThat(order).as("one recorder's events arrive in the order it recorded them").isSorted();
    }
  }

  /**
   * The striped buffer's accounting by event identity: more recorders than rings (so rings are
   * shared and every ring is used), a cap small enough to overflow, every other flush failing
   * and requeued, and shutdown while recorders are still recording. Each recorded event, known by
   * its own key, is delivered at most once, and the events delivered plus those counted as
   * dropped are exactly the events recorded; no event the collector never saw is delivered.
   */
  @Test
  void recordersOnEveryRingOverflowFailingFlushesAndShutdown_eachEventDeliveredOnceOrCountedByIdentity()
      throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    relay.onSendEvents(
        (envelope, timeout) -> {
          if (attempts.incrementAndGet() % 2 == 0) {
            throw new RelayUnreachableException("connection reset", null, false);
          }
        });
    DataCollector collector = collector(20, Duration.ofMillis(1));
    collector.start();
    int threads = DataCollector.STRIPES * 3 + 1;
    AtomicInteger[] recordedBy = new AtomicInteger[threads];
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch halfway = new CountDownLatch(threads);
    ExecutorService recorders = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      AtomicInteger recorded = recordedBy[t] = new AtomicInteger();
      String prefix = "t" + t + "-";
      done.add(
          recorders.submit(
              () -> {
                for (int i = 0; i < 20_000 && (i < 2_000 || !stop.get()); i++) {
                  collector.record(event(prefix + i));
                  recorded.incrementAndGet();
                  if (i == 1_000) {
                    halfway.countDown();
                  }
                }
              }));
    }
    assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
    int ringsUsed = collector.ringsInUse();

    collector.close(Duration.ofSeconds(2)); // While every recorder is still recording.
    stop.set(true);
    for (Future<?> future : done) {
      future.get(30, TimeUnit.SECONDS);
    }
    recorders.shutdown();
    GoffThreads.awaitNone(DataCollector.THREAD_NAME); // A flush close() gave up on accounts when it ends.

    Set<String> recorded = new HashSet<>();
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < recordedBy[t].get(); i++) {
        recorded.add("t" + t + "-" + i);
      }
    }
    List<String> delivered = relay.deliveredEventKeys();
    assertThat(ringsUsed).as("rings used by %s recorders", threads).isEqualTo(DataCollector.STRIPES);
    assertThat(new HashSet<>(delivered)).as("no event delivered twice").hasSize(delivered.size());
    assertThat(recorded).as("every delivered event was recorded").containsAll(delivered);
    assertThat(collector.sentEvents()).isEqualTo(delivered.size());
    assertThat(collector.pendingEvents())
        .as("pending after shutdown: %s; %s", pendingKeys(collector), collector.describeRings())
        .isZero();
    assertThat(collector.sentEvents() + collector.droppedEvents()).isEqualTo(recorded.size());
    assertThat(collector.droppedEvents()).as("the cap was really exceeded").isGreaterThan(threads);
    assertThat(attempts.get()).as("flushes really failed and were retried").isGreaterThan(2);
  }

  /**
   * A collector that cannot keep up overflows on every flush cycle. That is reported by the sender
   * thread, once (then at most once a minute), never by the threads that record: logging there
   * would slow every evaluation and flood the application's log.
   */
  @Test
  void overflowOnEveryFlushCycle_loggedOnceBySender_neverByRecorders() {
    relay.onSendEvents(
        (envelope, timeout) -> {
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    DataCollector collector = collector(5, Duration.ofMillis(2));
    collector.start();
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int cycles;
    try {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800);
      int i = 0;
      while (System.nanoTime() < end) {
        collector.record(event("e" + i++));
      }
      cycles = relay.sendAttempts();
    } finally {
      System.setErr(originalErr);
    }

    List<String> overflowLines =
        captured.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("buffer is full")).toList();
    assertThat(cycles).as("flush cycles during the run").isGreaterThan(3);
    assertThat(collector.droppedEvents()).isPositive();
    assertThat(overflowLines).hasSize(1);
    assertThat(overflowLines.get(0)).startsWith("[" + DataCollector.THREAD_NAME + "]");
  }
}
