package dev.flagrelay.stress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs rounds of a scenario on several threads that start each round together, until the time
 * budget or the round limit is reached, or the first violation is seen.
 *
 * <p>Every thread plays its role ({@code role(thread, round, out)}) once per round. A {@link
 * ConcurrentModificationException} escaping a role is reported as {@link
 * Symptom#CONCURRENT_MODIFICATION}; any other exception as {@link Symptom#EXCEPTION_ESCAPED}.
 */
public final class Race {
  /** Budget per scenario run; raise it with {@code -Dstress.budget.ms=...} (profile stress-heavy). */
  public static final Duration BUDGET = Duration.ofMillis(Long.getLong("stress.budget.ms", 2_000));
  /**
   * Run the roles on virtual threads ({@code -Dstress.virtual=true}, JDK 21+), and fail a scenario
   * in which provider code blocked while pinning its carrier.
   */
  /**
   * How long a racy twin is hunted (see {@link #hunt}): it stops at the first violation, so this
   * bounds only a canary that is never caught.
   */
  static final Duration HUNT_BUDGET = Duration.ofSeconds(10);

  private static final ThreadLocal<Boolean> HUNTING = ThreadLocal.withInitial(() -> false);

  static final boolean VIRTUAL = Boolean.getBoolean("stress.virtual") && Runtime.version().feature() >= 21;

  @FunctionalInterface
  public interface Role {
    void play(int thread, int round, Violations out) throws Exception;
  }

  private Race() {}

  public static Outcome run(int threads, int maxRounds, Role role) throws InterruptedException {
    return run(threads, maxRounds, BUDGET, role);
  }

  /**
   * Runs {@code scenario} in hunting mode: every {@link #run} inside it ignores its round limit
   * and keeps going for up to {@link #HUNT_BUDGET} until the first violation. For racy twins, so
   * a canary is caught on every run rather than when the scheduler happens to oblige.
   */
  public static Outcome hunt(Scenario scenario) throws Exception {
    HUNTING.set(true);
    try {
      return scenario.run();
    } finally {
      HUNTING.remove();
    }
  }

  /** A scenario run, for {@link #hunt}. */
  @FunctionalInterface
  public interface Scenario {
    Outcome run() throws Exception;
  }

  public static Outcome run(int threads, int roundLimit, Duration timeLimit, Role role) throws InterruptedException {
    boolean hunting = HUNTING.get();
    int maxRounds = hunting ? Integer.MAX_VALUE : roundLimit;
    Duration budget = hunting && timeLimit.compareTo(HUNT_BUDGET) < 0 ? HUNT_BUDGET : timeLimit;
    Violations violations = new Violations();
    AtomicInteger rounds = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    long deadline = System.nanoTime() + budget.toNanos();
    CyclicBarrier barrier =
        new CyclicBarrier(
            threads,
            () -> {
              if (System.nanoTime() > deadline || rounds.get() >= maxRounds || !violations.isEmpty()) {
                stop.set(true);
              } else {
                rounds.incrementAndGet();
              }
            });
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers.add(newThread("stress-" + t, () -> loop(thread, barrier, stop, rounds, violations, role)));
    }
    PinningMonitor pinning = VIRTUAL ? new PinningMonitor() : null;
    workers.forEach(Thread::start);
    for (Thread worker : workers) {
      worker.join(budget.toMillis() + 30_000);
      if (worker.isAlive()) {
        worker.interrupt();
        violations.report(Symptom.EXCEPTION_ESCAPED, worker.getName() + " did not finish");
      }
    }
    if (pinning != null) {
      try (pinning) {
        pinning.stop().forEach(frame -> violations.report(Symptom.PINNED_CARRIER, frame));
      }
    }
    return new Outcome(rounds.get(), violations.all());
  }

  private static Thread newThread(String name, Runnable body) {
    if (!VIRTUAL) {
      return new Thread(body, name);
    }
    try {
      // Thread.ofVirtual().name(name).unstarted(body), called reflectively: this code targets Java 17.
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      builder = ofVirtual.getMethod("name", String.class).invoke(builder, name);
      return (Thread) ofVirtual.getMethod("unstarted", Runnable.class).invoke(builder, body);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads unavailable", e);
    }
  }

  private static void loop(
      int thread, CyclicBarrier barrier, AtomicBoolean stop, AtomicInteger rounds, Violations out, Role role) {
    try {
      while (true) {
        barrier.await(60, TimeUnit.SECONDS);
        if (stop.get()) {
          return;
        }
        try {
          role.play(thread, rounds.get(), out);
        } catch (ConcurrentModificationException e) {
          out.report(Symptom.CONCURRENT_MODIFICATION, e.toString());
        } catch (Exception e) {
          out.report(Symptom.EXCEPTION_ESCAPED, e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (BrokenBarrierException | TimeoutException e) {
      out.report(Symptom.EXCEPTION_ESCAPED, "round barrier broke: " + e);
    }
  }

  /** Violations seen by any thread; thread-safe. */
  public static final class Violations {
    private final ConcurrentLinkedQueue<Violation> seen = new ConcurrentLinkedQueue<>();

    public void report(Symptom symptom, String detail) {
      seen.add(new Violation(symptom, detail));
    }

    boolean isEmpty() {
      return seen.isEmpty();
    }

    List<Violation> all() {
      return List.copyOf(seen);
    }
  }

  public record Violation(Symptom symptom, String detail) {}

  /** How many rounds ran and what went wrong. */
  public record Outcome(int rounds, List<Violation> violations) {
    public List<Symptom> symptoms() {
      return violations.stream().map(Violation::symptom).distinct().toList();
    }
  }
}
