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
 * Runs rounds of a scenario on several threads that start each round together, for the whole time
 * budget, or until the first violation is seen.
 *
 * <p>There is no round limit: a scenario that stops after a fixed number of rounds stops after a
 * fraction of a second on a fast machine, and whether a race shows then depends on luck. Every
 * clean verdict has used its whole budget.
 *
 * <p>Every thread plays its role ({@code role(thread, round, out)}) once per round. A {@link
 * ConcurrentModificationException} escaping a role is reported as {@link
 * Symptom#CONCURRENT_MODIFICATION}; any other exception as {@link Symptom#EXCEPTION_ESCAPED}.
 */
public final class Race {
  /** Budget per scenario run; raise it with {@code -Dstress.budget.ms=...} (profile stress-heavy). */
  public static final Duration BUDGET = Duration.ofMillis(Long.getLong("stress.budget.ms", 2_000));
  /**
   * How long a racy twin is hunted (see {@link #hunt}): it stops at the first violation, so this
   * bounds only a canary that is never caught.
   */
  static final Duration HUNT_BUDGET = Duration.ofSeconds(10);

  private static final ThreadLocal<Boolean> HUNTING = ThreadLocal.withInitial(() -> false);

  /**
   * With {@code -Dstress.virtual=true} (JDK 21+), the even-numbered roles run on virtual threads
   * and a scenario in which provider code blocked while pinning its carrier fails. The odd-numbered
   * roles stay on platform threads: a virtual thread is never preempted, and several races only
   * show when a thread is descheduled inside a short window (between a check and an act).
   */
  static final boolean VIRTUAL = Boolean.getBoolean("stress.virtual") && Runtime.version().feature() >= 21;

  @FunctionalInterface
  public interface Role {
    void play(int thread, int round, Violations out) throws Exception;
  }

  private Race() {}

  /** Runs {@code role} on {@code threads} threads for {@link #BUDGET}, or until caught. */
  public static Outcome run(int threads, Role role) throws InterruptedException {
    return run(threads, BUDGET, role);
  }

  /**
   * Runs {@code scenario} in hunting mode: every {@link #run} inside it keeps going for at least
   * {@link #HUNT_BUDGET} until the first violation. For racy twins, so a canary is caught on every
   * run rather than when the scheduler happens to oblige.
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

  /**
   * Runs {@code role} on {@code threads} platform threads, whatever {@link #VIRTUAL} says: for
   * scenarios that oversubscribe the processors so that the scheduler deschedules threads at
   * arbitrary instructions (a virtual thread that never blocks is never taken off its carrier,
   * and keeps the others waiting).
   */
  public static Outcome runOnPlatformThreads(int threads, Role role) throws InterruptedException {
    return run(threads, BUDGET, true, role);
  }

  /** Runs {@code role} on {@code threads} threads for {@code timeLimit}, or until caught. */
  public static Outcome run(int threads, Duration timeLimit, Role role) throws InterruptedException {
    return run(threads, timeLimit, false, role);
  }

  private static Outcome run(int threads, Duration timeLimit, boolean platformOnly, Role role)
      throws InterruptedException {
    boolean hunting = HUNTING.get();
    Duration budget = hunting && timeLimit.compareTo(HUNT_BUDGET) < 0 ? HUNT_BUDGET : timeLimit;
    Violations violations = new Violations();
    AtomicInteger rounds = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    long deadline = System.nanoTime() + budget.toNanos();
    CyclicBarrier barrier =
        new CyclicBarrier(
            threads,
            () -> {
              if (System.nanoTime() > deadline || !violations.isEmpty()) {
                stop.set(true);
              } else {
                rounds.incrementAndGet();
              }
            });
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Runnable body = () -> loop(thread, barrier, stop, rounds, violations, role);
      workers.add(platformOnly ? new Thread(body, "stress-" + t) : newThread(thread, "stress-" + t, body));
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

  private static Thread newThread(int index, String name, Runnable body) {
    if (!VIRTUAL || index % 2 == 1) {
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
    /** This outcome with {@code more} violations, seen outside the rounds. */
    public Outcome plus(Violations more) {
      List<Violation> all = new ArrayList<>(violations);
      all.addAll(more.all());
      return new Outcome(rounds, List.copyOf(all));
    }

    public List<Symptom> symptoms() {
      return violations.stream().map(Violation::symptom).distinct().toList();
    }
  }
}
