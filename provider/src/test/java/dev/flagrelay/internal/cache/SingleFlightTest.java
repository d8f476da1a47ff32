package dev.flagrelay.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.testing.Answers;
import dev.flagrelay.testing.FastPolling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One relay call per key however many threads miss; invalidations win over calls in flight. */
@ExtendWith(FastPolling.class)
class SingleFlightTest {
  private static final CacheKey KEY = new CacheKey("my-flag", ContextSnapshot.ofAttributes(Map.of("targetingKey", "u1")));
  private static final RelayAnswer CACHEABLE = Answers.cacheable("blue", "b");

  private final EvaluationCache cache = new EvaluationCache(100, Duration.ofMinutes(1), Duration.ZERO, System::nanoTime);
  private final SingleFlight singleFlight = new SingleFlight(cache, Duration.ofSeconds(10));
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  /** A relay call that counts itself, says when it started, and waits for the test to let it finish. */
  private static final class GatedCall implements SingleFlight.Call {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final SingleFlight.Call outcome;

    GatedCall(SingleFlight.Call outcome) {
      this.outcome = outcome;
    }

    @Override
    public RelayAnswer run() throws RelayException {
      calls.incrementAndGet();
      started.countDown();
      try {
        if (!release.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test never released the call");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RelayUnreachableException("interrupted", e, false);
      }
      return outcome.run();
    }

    void awaitStarted() throws InterruptedException {
      assertThat(started.await(5, TimeUnit.SECONDS)).as("relay call started").isTrue();
    }
  }

  private Future<RelayAnswer> loadInBackground(SingleFlight.Call call) {
    return threads.submit(() -> singleFlight.load(KEY, call).answer());
  }

  @Test
  void cacheableAnswer_cached() throws RelayException {
    singleFlight.load(KEY, () -> CACHEABLE).answer();

    assertThat(cache.get(KEY).answer()).isSameAs(CACHEABLE);
  }

  @Test
  void answerWithoutCacheableMarker_notCached() throws RelayException {
    RelayAnswer answer = singleFlight.load(KEY, () -> Answers.notCacheable("blue", "b")).answer();

    assertThat(answer.value()).isEqualTo("blue");
    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void cacheableMarkerFalse_notCached() throws RelayException {
    singleFlight.load(KEY, () -> new RelayAnswer(true, "on", "STATIC", Map.of("gofeatureflag_cacheable", false))).answer();

    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void cacheableMarkerAsString_notCached() throws RelayException {
    singleFlight.load(KEY, () -> new RelayAnswer(true, "on", "STATIC", Map.of("gofeatureflag_cacheable", "true"))).answer();

    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void finishedFlight_notLeftBehind() throws RelayException {
    singleFlight.load(KEY, () -> CACHEABLE).answer();

    assertThat(singleFlight.inFlight()).isZero();
  }

  @Test
  void flagInvalidatedWhileInFlight_answerReturnedButNotCached() throws Exception {
    GatedCall call = new GatedCall(() -> CACHEABLE);
    Future<RelayAnswer> result = loadInBackground(call);
    call.awaitStarted();

    cache.invalidateFlags(List.of(KEY.flagKey()));
    call.release.countDown();

    assertThat(result.get(5, TimeUnit.SECONDS)).isSameAs(CACHEABLE);
    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void invalidateAllWhileInFlight_answerNotCached() throws Exception {
    GatedCall call = new GatedCall(() -> CACHEABLE);
    Future<RelayAnswer> result = loadInBackground(call);
    call.awaitStarted();

    cache.invalidateAll();
    call.release.countDown();

    result.get(5, TimeUnit.SECONDS);
    assertThat(cache.get(KEY)).isNull();
  }

  @Test
  void otherFlagInvalidatedWhileInFlight_answerCached() throws Exception {
    GatedCall call = new GatedCall(() -> CACHEABLE);
    Future<RelayAnswer> result = loadInBackground(call);
    call.awaitStarted();

    cache.invalidateFlags(List.of("another-flag"));
    call.release.countDown();

    result.get(5, TimeUnit.SECONDS);
    assertThat(cache.get(KEY)).isNotNull();
  }

  @Test
  void callerArrivingAfterAnInvalidation_doesNotJoinTheOlderFlight() throws Exception {
    GatedCall before = new GatedCall(() -> Answers.cacheable("old", "o"));
    Future<RelayAnswer> first = loadInBackground(before);
    before.awaitStarted();
    cache.invalidateFlags(List.of(KEY.flagKey()));

    RelayAnswer second = singleFlight.load(KEY, () -> Answers.cacheable("new", "n")).answer();
    before.release.countDown();

    assertThat(second.value()).isEqualTo("new");
    assertThat(first.get(5, TimeUnit.SECONDS).value()).isEqualTo("old");
    assertThat(cache.get(KEY).answer().value()).isEqualTo("new");
  }

  @Test
  void sixtyFourConcurrentMisses_exactlyOneCallAndEveryoneGetsTheAnswer() throws Exception {
    int threadCount = 64;
    GatedCall call = new GatedCall(() -> CACHEABLE);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> callers = Collections.synchronizedList(new ArrayList<>());
    List<Future<RelayAnswer>> results = new ArrayList<>();
    AtomicInteger arrived = new AtomicInteger();
    for (int i = 0; i < threadCount; i++) {
      results.add(
          threads.submit(
              () -> {
                callers.add(Thread.currentThread());
                go.await();
                arrived.incrementAndGet();
                return singleFlight.load(KEY, call).answer();
              }));
    }
    await().until(() -> callers.size() == threadCount);
    go.countDown();
    call.awaitStarted();
    await().until(() -> arrived.get() == threadCount);
    // Everyone is past the start line and parked: the leader in the gated call, the others
    // waiting for its outcome (nothing else parks between the counter and that wait).
    await().atMost(Duration.ofSeconds(5)).until(() -> allParked(callers));

    call.release.countDown();

    for (Future<RelayAnswer> result : results) {
      assertThat(result.get(5, TimeUnit.SECONDS)).isSameAs(CACHEABLE);
    }
    assertThat(call.calls).hasValue(1);
    assertThat(cache.get(KEY).answer()).isSameAs(CACHEABLE);
  }

  private static boolean allParked(List<Thread> callers) {
    synchronized (callers) {
      return callers.stream()
          .allMatch(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    }
  }

  @Test
  void failure_sharedWithEveryWaiterAndNotCached() throws Exception {
    int threadCount = 8;
    RelayUnreachableException outage = new RelayUnreachableException("connection refused", null, false);
    GatedCall call =
        new GatedCall(
            () -> {
              throw outage;
            });
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> callers = Collections.synchronizedList(new ArrayList<>());
    List<Future<RelayAnswer>> results = new ArrayList<>();
    AtomicInteger arrived = new AtomicInteger();
    for (int i = 0; i < threadCount; i++) {
      results.add(
          threads.submit(
              () -> {
                callers.add(Thread.currentThread());
                go.await();
                arrived.incrementAndGet();
                return singleFlight.load(KEY, call).answer();
              }));
    }
    await().until(() -> callers.size() == threadCount);
    go.countDown();
    call.awaitStarted();
    await().until(() -> arrived.get() == threadCount);
    await().atMost(Duration.ofSeconds(5)).until(() -> allParked(callers));

    call.release.countDown();

    for (Future<RelayAnswer> result : results) {
      assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).hasCause(outage);
    }
    assertThat(call.calls).hasValue(1);
    assertThat(cache.get(KEY)).isNull();
    assertThat(singleFlight.inFlight()).isZero();
  }

  @Test
  void afterAFailure_nextCallerCallsAgain() throws Exception {
    assertThatThrownBy(
            () ->
                singleFlight.load(
                    KEY,
                    () -> {
                      throw new RelayHttpException(503, null, null);
                    }).answer())
        .isInstanceOf(RelayHttpException.class);

    assertThat(singleFlight.load(KEY, () -> CACHEABLE).answer()).isSameAs(CACHEABLE);
  }

  @Test
  void runtimeExceptionFromTheCall_sharedAndFlightCleared() {
    assertThatThrownBy(
            () ->
                singleFlight.load(
                    KEY,
                    () -> {
                      throw new IllegalStateException("bug in the client");
                    }).answer())
        .isInstanceOf(IllegalStateException.class);

    assertThat(singleFlight.inFlight()).isZero();
  }

  @Test
  void waiterGivesUpAfterMaxWait_asUnreachableTimeout() throws Exception {
    SingleFlight impatient = new SingleFlight(cache, Duration.ofMillis(50));
    GatedCall call = new GatedCall(() -> CACHEABLE);
    Future<RelayAnswer> leader = threads.submit(() -> impatient.load(KEY, call).answer());
    call.awaitStarted();

    try {
      assertThatThrownBy(() -> impatient.load(KEY, () -> CACHEABLE))
          .isInstanceOfSatisfying(RelayUnreachableException.class, e -> assertThat(e.timedOut()).isTrue());
    } finally {
      call.release.countDown();
    }
    assertThat(leader.get(5, TimeUnit.SECONDS)).isSameAs(CACHEABLE);
  }

  /**
   * Issue 11: an interrupt is its own thread's business. The leader's call failed because the
   * leader was interrupted; the waiters used to receive that failure ("did not answer within ..."),
   * now they start a call of their own and get the real answer.
   */
  @Test
  void leaderInterrupted_waitersGetTheRealAnswerAndLeaderKeepsItsInterrupt() throws Exception {
    GatedCall interruptible = new GatedCall(() -> CACHEABLE);
    AtomicInteger waiterCalls = new AtomicInteger();
    CountDownLatch leaderRunning = new CountDownLatch(1);
    Thread[] leaderThread = new Thread[1];
    Future<Boolean> leaderKeptInterrupt =
        threads.submit(
            () -> {
              leaderThread[0] = Thread.currentThread();
              leaderRunning.countDown();
              try {
                singleFlight.load(KEY, interruptible);
                return false;
              } catch (RelayUnreachableException e) {
                return Thread.currentThread().isInterrupted();
              }
            });
    assertThat(leaderRunning.await(5, TimeUnit.SECONDS)).isTrue();
    interruptible.awaitStarted();
    Future<RelayAnswer> waiter =
        loadInBackground(
            () -> {
              waiterCalls.incrementAndGet();
              return CACHEABLE;
            });
    await().until(() -> singleFlight.waiters() == 1);

    leaderThread[0].interrupt();

    assertThat(leaderKeptInterrupt.get(5, TimeUnit.SECONDS)).as("leader failed and kept its interrupt").isTrue();
    assertThat(waiter.get(5, TimeUnit.SECONDS)).isSameAs(CACHEABLE);
    assertThat(waiterCalls).hasValue(1);
    assertThat(singleFlight.inFlight()).isZero();
  }
}
