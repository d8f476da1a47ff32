package dev.flagrelay.it.conformance.glue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.opentest4j.TestAbortedException;

/**
 * Per-scenario bookkeeping: skips scenarios whose capability is not declared ({@link
 * Capabilities}), and after each scenario shuts the API down and checks that its providers left
 * no thread behind (the check of {@code dev.flagrelay.it.LeakCheck}, whose JUnit extension does
 * not fit Cucumber, counting only threads started during the scenario).
 */
public final class ScenarioLifecycle {
  /** Backend hooks run at order 0; this gate right after them. */
  static final int GATE_ORDER = 1;
  private static final Duration LEAK_GRACE = Duration.ofSeconds(5);
  /** OkHttp's library-wide idle daemons, which outlive every client by up to 60 s. */
  private static final Set<String> LIBRARY_WIDE_THREADS = Set.of("OkHttp TaskRunner", "Okio Watchdog");

  private final ConformanceWorld world;
  private Set<Thread> threadsBefore = Set.of();

  public ScenarioLifecycle(ConformanceWorld world) {
    this.world = world;
  }

  /** Notes the tags and the provider threads already alive, then skips the scenario if it cannot apply. */
  @Before(order = GATE_ORDER)
  public void beginScenario(Scenario scenario) {
    threadsBefore = providerThreads();
    world.tags(scenario.getSourceTagNames());
    String path = scenario.getUri().toString();
    String featureFile = path.substring(path.lastIndexOf('/') + 1);
    Capabilities.skipReason(featureFile, scenario.getName(), scenario.getSourceTagNames(), world.evaluationMode())
        .ifPresent(
            reason -> {
              throw new TestAbortedException(reason);
            });
  }

  /** Runs before the backend's own reset (after-hooks with a higher order run first). */
  @After(order = 100)
  public void shutDownAndCheckForLeaks() {
    world.shutdown();
    await("provider threads to end")
        .atMost(LEAK_GRACE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(threadNames(leakedThreads())).as("threads left behind").isEmpty());
  }

  /** Provider threads that were not alive before the scenario: one leak fails one scenario only. */
  private Set<Thread> leakedThreads() {
    Set<Thread> threads = providerThreads();
    threads.removeAll(threadsBefore);
    return threads;
  }

  private static Set<Thread> providerThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      boolean provider = name.startsWith("goff-") || name.startsWith("OkHttp");
      if (thread.isAlive() && provider && !LIBRARY_WIDE_THREADS.contains(name)) {
        threads.add(thread);
      }
    }
    return threads;
  }

  private static List<String> threadNames(Set<Thread> threads) {
    return threads.stream().map(Thread::getName).sorted().toList();
  }
}
