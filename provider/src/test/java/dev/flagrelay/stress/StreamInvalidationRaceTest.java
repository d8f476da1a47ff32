package dev.flagrelay.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.cache.SingleFlight;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.evaluation.EventRecorder;
import dev.flagrelay.internal.evaluation.FlagType;
import dev.flagrelay.internal.evaluation.RemoteEvaluator;
import dev.flagrelay.internal.polling.FlagChangePoller;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.stream.ChangeSignals;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 10: flag-change stream events racing evaluations, single-flight leaders in
 * flight, and the safety-net poller. Self-contained (its own harness and symptoms) so it stays
 * independent of the shared {@code Race} harness.
 *
 * <p>Each round uses a new flag. The writer evaluates it (caching version 1), changes it on the
 * relay (version 2) and then delivers the stream event, exactly as the relay does: state first,
 * event after. Meanwhile evaluator threads evaluate the same flag (their misses become
 * single-flight leaders whose relay call is slowed at random, so some straddle the event), and
 * the real {@link FlagChangePoller} polls every millisecond. Two invariants:
 *
 * <ul>
 *   <li>{@code STALE_ON_EVENT}: an evaluation made while handling PROVIDER_CONFIGURATION_CHANGED
 *       for the flag (what applications do) answers version 2;
 *   <li>{@code STALE_LEFT_BEHIND}: once the round is over, the flag answers version 2: no entry
 *       stored by a call that was in flight across the event survives it.
 * </ul>
 *
 * The real path is the poller as {@link ChangeSignals} (invalidate on the stream thread, then
 * announce). The racy twin announces first and invalidates afterwards, on the announcing thread:
 * a handler that evaluates on the event is served the old cached answer, every round.
 */
@Tag("stress")
@Timeout(90)
class StreamInvalidationRaceTest {
  private static final Duration BUDGET = Duration.ofMillis(Long.getLong("stress.budget.ms", 2_000));
  private static final int EVALUATORS = 3;
  private static final int EVALUATIONS_PER_ROUND = 20;
  private static final ImmutableContext USER = new ImmutableContext("user-1");

  @Test
  void realStreamSignals_eventsRacingEvaluationsAndPolls_neverLeaveAStaleEntry() throws Exception {
    Outcome outcome = run(Rig::realSignals, BUDGET, false);

    assertThat(outcome.violations).as("violations").isEmpty();
    assertThat(outcome.rounds).as("rounds actually run (no vacuous pass)").isGreaterThanOrEqualTo(20);
    assertThat(outcome.events).as("events announced").isGreaterThanOrEqualTo(outcome.rounds - 1);
  }

  /**
   * The twin is caught either way its race shows: a handler of the change answered the old value
   * ({@code STALE_ON_EVENT}), or the old answer was written back after the invalidation and served
   * once the change had been announced ({@code STALE_LEFT_BEHIND}); which comes first depends on
   * the scheduler, and the run stops at the first.
   */
  @Test
  void announceBeforeInvalidating_isCaught_asStaleOnEventOrLeftBehind() throws Exception {
    Outcome outcome = run(Rig::announceThenInvalidate, Duration.ofSeconds(10), true);

    assertThat(outcome.violations).as("the racy twin must be caught").isNotEmpty();
    assertThat(outcome.violations)
        .allSatisfy(violation -> assertThat(violation).matches("(STALE_ON_EVENT|STALE_LEFT_BEHIND): .*"));
  }

  private record Outcome(int rounds, long events, List<String> violations) {}

  /** A relay whose flags each have a version; every answer is cacheable and names it. */
  private static final class VersionedFlags implements RelayClient {
    final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();

    long version(String flag) {
      return versions.computeIfAbsent(flag, f -> new AtomicLong(1)).get();
    }

    @Override
    public RelayAnswer evaluate(String flagKey, ContextSnapshot context) {
      String value = "v" + version(flagKey);
      if (ThreadLocalRandom.current().nextInt(4) == 0) {
        Thread.yield(); // Some leaders stay in flight a little longer: across the event.
        Thread.onSpinWait();
      }
      return new RelayAnswer(value, value, "TARGETING_MATCH", Map.of(RelayAnswer.CACHEABLE_KEY, true));
    }

    @Override
    public FlagChanges flagChanges(String etag) {
      Map<String, Long> hashes = new HashMap<>();
      versions.forEach((flag, version) -> hashes.put(flag, version.get()));
      return FlagChanges.of("\"" + hashes.hashCode() + "-" + hashes.size() + "\"", hashes);
    }

    @Override
    public void sendEvents(byte[] envelope, Duration timeout) {}

    @Override
    public void close() {}
  }

  /** The provider's evaluation path and change detection, around one relay. */
  private static final class Rig implements FlagChangePoller.Listener {
    final VersionedFlags relay = new VersionedFlags();
    final EvaluationCache cache = new EvaluationCache(100_000, Duration.ofMinutes(5), Duration.ZERO, System::nanoTime);
    final RemoteEvaluator evaluator =
        new RemoteEvaluator(relay, cache, new SingleFlight(cache, Duration.ofSeconds(5)), EventRecorder.NONE, Clock.systemUTC());
    final FlagChangePoller poller = new FlagChangePoller(relay, cache, Duration.ofMillis(1), this);
    final List<String> violations = new CopyOnWriteArrayList<>();
    /** How many times each flag was announced: its addition (by a poll), then its change. */
    final Map<String, AtomicLong> announcements = new ConcurrentHashMap<>();
    final AtomicLong events = new AtomicLong();
    /** The twin's announcing thread; unused by the real path. */
    final ExecutorService twinThread = Executors.newSingleThreadExecutor();
    ChangeSignals signals;

    String evaluate(String flag) {
      return evaluator.evaluate(flag, FlagType.STRING, "default", USER).getValue();
    }

    /** Like an application's PROVIDER_CONFIGURATION_CHANGED handler: evaluates what changed. */
    @Override
    public void flagsChanged(List<String> flagKeys) {
      for (String flag : flagKeys) {
        long expected = relay.version(flag);
        String value = evaluate(flag);
        // Older than the version the relay had when the handler started is stale; a newer one is
        // a later change that landed while the handler ran (its own event follows).
        if (versionOf(value) < expected) {
          violations.add("STALE_ON_EVENT: " + flag + " answered " + value + " to a handler of its change to v" + expected);
        }
        events.incrementAndGet();
        announcements.computeIfAbsent(flag, f -> new AtomicLong()).incrementAndGet();
      }
    }

    private static long versionOf(String value) {
      return value.startsWith("v") ? Long.parseLong(value.substring(1)) : -1;
    }

    @Override
    public void allFlagsChanged() {}

    @Override
    public void stale(String message) {}

    @Override
    public void recovered() {}

    @Override
    public void refused(String message) {}

    static ChangeSignals realSignals(Rig rig) {
      return rig.poller;
    }

    /** Racy twin: announces first, invalidates afterwards. */
    static ChangeSignals announceThenInvalidate(Rig rig) {
      return new ChangeSignals() {
        @Override
        public void flagsChanged(List<String> flagKeys) {
          rig.twinThread.execute(() -> {
            rig.flagsChanged(flagKeys);
            rig.cache.invalidateFlags(flagKeys);
          });
        }

        @Override
        public void resync() {
          rig.poller.resync();
        }
      };
    }

    void close() {
      poller.stop(Duration.ofSeconds(2));
      twinThread.shutdownNow();
    }
  }

  private static Outcome run(Function<Rig, ChangeSignals> signals, Duration budget, boolean stopAtFirst)
      throws Exception {
    Rig rig = new Rig();
    rig.signals = signals.apply(rig);
    rig.poller.initialPoll();
    rig.poller.start();
    long deadline = System.nanoTime() + budget.toNanos();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong rounds = new AtomicLong();
    CyclicBarrier barrier =
        new CyclicBarrier(
            1 + EVALUATORS,
            () -> {
              boolean over = System.nanoTime() > deadline || (stopAtFirst && !rig.violations.isEmpty());
              if (over) {
                stop.set(true);
              } else {
                rounds.incrementAndGet();
              }
            });
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t <= EVALUATORS; t++) {
      int role = t;
      Thread thread = new Thread(() -> play(rig, role, barrier, stop, rounds), "stream-race-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(budget.toMillis() + 30_000);
      if (thread.isAlive()) {
        thread.interrupt();
        rig.violations.add("EXCEPTION_ESCAPED: " + thread.getName() + " did not finish");
      }
    }
    rig.close();
    return new Outcome(rounds.intValue(), rig.events.get(), List.copyOf(rig.violations));
  }

  private static void play(Rig rig, int role, CyclicBarrier barrier, AtomicBoolean stop, AtomicLong rounds) {
    try {
      while (true) {
        barrier.await(60, TimeUnit.SECONDS);
        if (stop.get()) {
          return;
        }
        long round = rounds.get();
        String flag = "flag-" + round;
        if (role == 0) {
          checkNothingLeftBehind(rig, "flag-" + (round - 1));
          writer(rig, flag);
        } else {
          for (int i = 0; i < EVALUATIONS_PER_ROUND; i++) {
            rig.evaluate(flag);
          }
        }
      }
    } catch (Exception e) {
      rig.violations.add("EXCEPTION_ESCAPED: " + e);
    }
  }

  /**
   * Adds the flag on the relay (version 1) and waits until a poll has announced its addition;
   * then caches version 1, changes the flag on the relay, and delivers the stream event. Waiting
   * for the addition keeps the handler's check exact: an announcement of the addition that ran
   * after the change (the poll saw version 1) would be judged against version 2 and answered,
   * rightly, from a version 1 entry the change's own invalidation had not reached yet.
   */
  private static void writer(Rig rig, String flag) throws InterruptedException {
    rig.relay.version(flag);
    awaitAnnouncements(rig, flag, 1, "its addition");
    rig.evaluate(flag);
    rig.relay.versions.get(flag).incrementAndGet();
    rig.signals.flagsChanged(List.of(flag));
    awaitAnnouncements(rig, flag, 2, "its change");
  }

  private static void awaitAnnouncements(Rig rig, String flag, long count, String what) throws InterruptedException {
    AtomicLong seen = rig.announcements.computeIfAbsent(flag, f -> new AtomicLong());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (seen.get() < count) {
      if (System.nanoTime() > deadline) {
        rig.violations.add("EXCEPTION_ESCAPED: " + flag + ": " + what + " was never announced");
        return;
      }
      Thread.sleep(0, 100_000);
    }
  }

  /** Runs after every role of the previous round has finished (the barrier). */
  private static void checkNothingLeftBehind(Rig rig, String flag) {
    if (!rig.relay.versions.containsKey(flag)) {
      return;
    }
    String value = rig.evaluate(flag);
    if (!value.equals("v2")) {
      rig.violations.add("STALE_LEFT_BEHIND: " + flag + " answered " + value + " after its change to v2");
    }
  }
}
