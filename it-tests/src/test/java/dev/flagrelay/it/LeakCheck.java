package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves provider threads behind: runs after the test's own {@code @AfterEach}
 * (which shuts the provider down) and waits up to {@link #GRACE} for every {@code goff-*} thread
 * and every OkHttp thread to end, except OkHttp's two library-wide idle daemons, which may live
 * up to 60 s after any client is gone.
 */
public final class LeakCheck implements AfterEachCallback {
  static final Duration GRACE = Duration.ofSeconds(5);
  private static final Set<String> LIBRARY_WIDE_THREADS = Set.of("OkHttp TaskRunner", "Okio Watchdog");

  @Override
  public void afterEach(ExtensionContext context) {
    await("provider threads of " + context.getDisplayName() + " to end")
        .atMost(GRACE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(leakedThreads()).as("threads left behind").isEmpty());
  }

  /** Names of the live threads a shut-down provider must not leave behind, sorted. */
  static List<String> leakedThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(LeakCheck::ownedByProvider)
        .sorted()
        .toList();
  }

  private static boolean ownedByProvider(String name) {
    if (LIBRARY_WIDE_THREADS.contains(name)) {
      return false;
    }
    return name.startsWith("goff-") || name.startsWith("OkHttp");
  }
}
