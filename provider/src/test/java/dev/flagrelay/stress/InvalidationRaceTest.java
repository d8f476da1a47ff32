package dev.flagrelay.stress;

import static dev.flagrelay.stress.RaceAssertions.assertClean;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.cache.SingleFlight;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.evaluation.EventRecorder;
import dev.flagrelay.internal.evaluation.FlagType;
import dev.flagrelay.internal.evaluation.RemoteEvaluator;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 3, invalidations against misses at every point: an answer from before an invalidation
 * is never served to an evaluation that began after the invalidation finished.
 *
 * <p>The relay stand-in answers each flag with its configuration version ("v3"); an invalidation
 * is a configuration change (the version goes up) followed by the cache invalidation, as the
 * poller does it. Invalidations land at random points of in-flight misses: on a dedicated thread,
 * and also inline, at the seams the real code calls out through (inside the relay call, and at
 * the cache's clock readings, one of which sits between a write's generation check and the
 * write). An evaluation that began after version N's invalidation finished must answer N or later.
 */
@Tag("stress")
@Timeout(90)
class InvalidationRaceTest {
  /** The flag the current thread is evaluating, so a seam knows what to invalidate. */
  private static final ThreadLocal<String> EVALUATING = new ThreadLocal<>();

  @Test
  void realCache_invalidationsAtRandomPointsOfInFlightMisses_neverServeAnOldAnswer() throws Exception {
    Setup setup = new Setup(4, 4);
    AtomicLong checked = new AtomicLong();
    Map<Integer, AtomicInteger> evaluating = new ConcurrentHashMap<>();
    ImmutableContext user = new ImmutableContext("user-1"); // One key per flag: callers share flights.
    Race.Outcome outcome =
        Race.run(
            6,
            (thread, round, out) -> {
              AtomicInteger left = evaluating.computeIfAbsent(round, r -> new AtomicInteger(5));
              if (thread == 5) {
                invalidateWhile(left, () -> "flag-" + round % 64 + "-" + ThreadLocalRandom.current().nextInt(4), setup);
                setup.invalidateAll(roundFlags(round)); // Also the whole cache, while nobody evaluates.
                evaluating.remove(round);
                return;
              }
              try {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 32; i++) {
                  String flag = "flag-" + round % 64 + "-" + random.nextInt(4);
                  if (!evaluateAndCheck(setup, flag, user, out)) {
                    return;
                  }
                  checked.incrementAndGet();
                }
              } finally {
                left.decrementAndGet();
              }
            });
    assertClean(outcome, 5);
    assertThat(setup.invalidationsInFlight).as("invalidations that landed inside a relay call").hasValueGreaterThan(100);
    assertThat(checked).as("evaluations checked").hasValueGreaterThan(1_000);
  }

  @Test
  void realCache_manyFlagsFirstUseRacingInvalidations_noStampOutlivesItsInvalidation() throws Exception {
    Map<Integer, Setup> rounds = new ConcurrentHashMap<>();
    AtomicLong firstUses = new AtomicLong();
    Race.Outcome outcome =
        Race.run(
            5,
            (thread, round, out) -> {
              // A new cache each round: every flag is used for the first time while others are.
              Setup setup = rounds.computeIfAbsent(round, r -> new Setup(2, 0));
              if (thread == 4) {
                // Also flags no evaluation has used yet (a design with a counter per flag creates it then).
                invalidateWhile(setup.evaluatorsLeft, () -> "flag-" + ThreadLocalRandom.current().nextInt(MANY_FLAGS + 32), setup);
                rounds.remove(round);
                return;
              }
              try {
                ImmutableContext user = new ImmutableContext("user-" + thread);
                for (int k = 0; k < MANY_FLAGS; k++) {
                  String flag = "flag-" + k; // Same order on every thread: first uses collide.
                  if (!evaluateAndCheck(setup, flag, user, out) || !evaluateAndCheck(setup, flag, user, out)) {
                    return;
                  }
                  firstUses.incrementAndGet();
                }
              } finally {
                setup.evaluatorsLeft.decrementAndGet();
              }
            });
    // Rounds are long (a new cache each, every flag new); what must not be vacuous is the number
    // of first uses checked while invalidations ran.
    assertClean(outcome, 1);
    assertThat(firstUses).as("first uses checked").hasValueGreaterThan(300);
  }

  /**
   * Two threads use each of 512 new flags for the first time at the same instant (they wait for
   * each other before every flag, each with its own context, so each leads its own relay call and
   * takes its own generation stamp of the flag at once), and every relay call sees its flag
   * invalidated while it is in flight. Each thread then asks again: an answer from before the
   * invalidation must not be served. A per-flag counter created twice at once (get-then-put)
   * leaves one caller holding a counter the invalidation never bumps, whose answer is then stored
   * and served. Meanwhile a third thread's relay call for one more flag sees that flag invalidated
   * and stays in flight until the two have used all 512 flags: a counter bounded by forgetting
   * flags (clearing, evicting) comes back at zero and makes the in-flight answer current again.
   */
  @Test
  void realCache_firstUsesInLockstepWithInvalidationsInFlight_noAnswerOutlivesItsInvalidation() throws Exception {
    int lockstep = 2;
    Map<Integer, Lockstep> rounds = new ConcurrentHashMap<>();
    AtomicLong firstUses = new AtomicLong();
    AtomicLong slowCallsHeld = new AtomicLong();
    Race.Outcome outcome =
        Race.run(
            lockstep + 1,
            (thread, round, out) -> {
              Lockstep current = rounds.computeIfAbsent(round, r -> new Lockstep(lockstep));
              Setup setup = current.setup;
              if (thread == lockstep) {
                try {
                  ImmutableContext user = new ImmutableContext("user-slow");
                  if (evaluateAndCheck(setup, SLOW_FLAG, user, out)) {
                    evaluateAndCheck(setup, SLOW_FLAG, user, out);
                  }
                  slowCallsHeld.addAndGet(current.slowCallsHeld);
                } finally {
                  current.awaitLockstep();
                  rounds.remove(round);
                }
                return;
              }
              try {
                ImmutableContext user = new ImmutableContext("user-" + thread);
                for (int k = 0; k < LOCKSTEP_FLAGS && !current.aborted; k++) {
                  current.arriveAndWait(k);
                  String flag = "flag-" + k;
                  if (!evaluateAndCheck(setup, flag, user, out) || !evaluateAndCheck(setup, flag, user, out)) {
                    current.aborted = true;
                    return;
                  }
                  firstUses.incrementAndGet();
                }
              } finally {
                current.lockstepDone.countDown();
              }
            });
    // Rounds are long (512 flags in lockstep); what must not be vacuous is the number of first uses.
    assertClean(outcome, 2);
    assertThat(firstUses).as("first uses checked").hasValueGreaterThan(2_000);
    assertThat(slowCallsHeld).as("slow calls held in flight across the first uses").hasValueGreaterThan(1);
  }

  /** Flags each lockstep round uses: more than any per-flag counter map bounded below that would hold. */
  private static final int LOCKSTEP_FLAGS = 512;

  private static final String SLOW_FLAG = "slow-flag";

  /** One round of the lockstep scenario: its cache, and the threads' meeting points. */
  private static final class Lockstep {
    final Setup setup = new Setup(1, 0);
    final AtomicInteger arrivals = new AtomicInteger();
    final java.util.concurrent.CountDownLatch lockstepDone;
    final int threads;
    volatile boolean aborted;
    volatile int slowCallsHeld;

    Lockstep(int threads) {
      this.threads = threads;
      this.lockstepDone = new java.util.concurrent.CountDownLatch(threads);
      Consumer<String> everyCall = setup.relay.duringCall;
      setup.relay.duringCall =
          flag -> {
            everyCall.accept(flag); // Every call sees its flag invalidated while in flight.
            if (flag.equals(SLOW_FLAG) && lockstepDone.getCount() > 0) {
              slowCallsHeld++;
              awaitLockstep(); // In flight while the other threads use every flag for the first time.
            }
          };
    }

    /** Waits until every lockstep thread has reached flag {@code k}. */
    void arriveAndWait(int k) {
      int target = (k + 1) * threads;
      arrivals.incrementAndGet();
      for (int spins = 0; arrivals.get() < target && !aborted; spins++) {
        if (spins % 1024 == 1023) {
          Thread.yield();
        } else {
          Thread.onSpinWait();
        }
      }
    }

    void awaitLockstep() {
      try {
        lockstepDone.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Flags per round: a few resizes of any map keyed by flag, and a cache small enough to sweep. */
  private static final int MANY_FLAGS = 96;

  private static List<String> roundFlags(int round) {
    return List.of(0, 1, 2, 3).stream().map(k -> "flag-" + round % 64 + "-" + k).toList();
  }

  /**
   * Evaluates {@code flag}; reports an answer older than the last invalidation that finished
   * before the evaluation began. Returns false when it reported one.
   */
  private static boolean evaluateAndCheck(Setup setup, String flag, ImmutableContext user, Race.Violations out) {
    int floor = setup.relay.finished(flag);
    EVALUATING.set(flag);
    String value;
    try {
      value = setup.evaluator.evaluate(flag, FlagType.STRING, "default", user).getValue();
    } finally {
      EVALUATING.remove();
    }
    int version = value.startsWith("v") ? Integer.parseInt(value.substring(1)) : -1;
    if (version < floor) {
      out.report(
          Symptom.STALE_AFTER_INVALIDATION,
          flag + " answered " + value + " after the invalidation to v" + floor + " had finished");
      return false;
    }
    return true;
  }

  /** Busy-waits {@code spins} rounds; never yields (a yield on a busy machine costs milliseconds). */
  private static void spin(int spins) {
    for (int i = 0; i < spins; i++) {
      Thread.onSpinWait();
    }
  }

  /** The invalidating role: random flags, with random pauses, until the evaluators are done. */
  private static void invalidateWhile(AtomicInteger evaluatorsLeft, Supplier<String> flags, Setup setup) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; evaluatorsLeft.get() > 0; i++) {
      String flag = flags.get();
      if (i % 8 == 7) {
        setup.invalidateAll(List.of(flag)); // Everything changed, as after a shutdown or a reset.
      } else {
        setup.invalidate(flag);
      }
      spin(random.nextInt(512));
    }
  }

  /** One evaluator over a real cache, with seams that invalidate the flag being evaluated. */
  private static final class Setup {
    final VersionedRelay relay = new VersionedRelay();
    final EvaluationCache cache;
    final RemoteEvaluator evaluator;
    final AtomicInteger evaluatorsLeft = new AtomicInteger(4);
    final AtomicLong invalidationsInFlight = new AtomicLong();
    /** One in {@code inCallOdds} relay calls and one in {@code clockOdds} clock readings invalidate. */
    private final int inCallOdds;
    private final int clockOdds;

    Setup(int inCallOdds, int clockOdds) {
      this.inCallOdds = inCallOdds;
      this.clockOdds = clockOdds;
      cache = new EvaluationCache(100_000, Duration.ofMinutes(1), Duration.ZERO, this::clock);
      evaluator =
          new RemoteEvaluator(
              relay, cache, new SingleFlight(cache, Duration.ofSeconds(5)), EventRecorder.NONE, Clock.systemUTC());
      relay.duringCall = this::duringCall;
    }

    /** The cache's clock: read on hits and between a write's generation check and the write. */
    private long clock() {
      String flag = EVALUATING.get();
      if (flag != null && clockOdds > 0 && ThreadLocalRandom.current().nextInt(clockOdds) == 0) {
        invalidate(flag);
      }
      return System.nanoTime();
    }

    /** Inside a relay call, after the answer was read: the configuration changes under it. */
    private void duringCall(String flag) {
      if (ThreadLocalRandom.current().nextInt(inCallOdds) == 0) {
        invalidate(flag);
        invalidationsInFlight.incrementAndGet();
        spin(ThreadLocalRandom.current().nextInt(256)); // Let others arrive meanwhile.
      }
    }

    /** Configuration changes of {@code changed}, then the whole cache is invalidated. */
    void invalidateAll(List<String> changed) {
      int[] versions = changed.stream().mapToInt(flag -> relay.version(flag).incrementAndGet()).toArray();
      cache.invalidateAll();
      for (int i = 0; i < versions.length; i++) {
        relay.finished(changed.get(i), versions[i]);
      }
    }

    /** A configuration change, then the cache invalidation, as the poller does it. */
    void invalidate(String flag) {
      int version = relay.version(flag).incrementAndGet();
      cache.invalidateFlags(List.of(flag));
      relay.finished(flag, version);
    }
  }

  /** Answers each flag with its current configuration version, "v1" first. */
  static final class VersionedRelay extends StubRelay {
    private final Map<String, AtomicInteger> versions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
    volatile Consumer<String> duringCall = flag -> {};

    @Override
    public RelayAnswer evaluate(String flagKey, ContextSnapshot context) {
      String value = "v" + version(flagKey).get();
      duringCall.accept(flagKey);
      return new RelayAnswer(value, value, "TARGETING_MATCH", Map.of(RelayAnswer.CACHEABLE_KEY, true));
    }

    AtomicInteger version(String flag) {
      return versions.computeIfAbsent(flag, f -> new AtomicInteger(1));
    }

    /** The newest version whose invalidation has finished. */
    int finished(String flag) {
      AtomicInteger version = finished.get(flag);
      return version == null ? 1 : version.get();
    }

    void finished(String flag, int version) {
      finished.computeIfAbsent(flag, f -> new AtomicInteger(1)).accumulateAndGet(version, Math::max);
    }
  }
}
