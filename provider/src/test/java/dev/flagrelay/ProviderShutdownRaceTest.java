package dev.flagrelay;

import static dev.flagrelay.stress.RaceAssertions.assertClean;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.stress.Race;
import dev.flagrelay.stress.StubRelay;
import dev.flagrelay.stress.Symptom;
import dev.flagrelay.testing.GoffThreads;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.ProviderEvaluation;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 5 at the provider's surface: {@code shutdown()} racing evaluations, {@code track} and
 * the collector's flushes. Nothing may throw, every answer is a value or a default, no thread stays.
 */
@Tag("stress")
@Timeout(90)
class ProviderShutdownRaceTest {
  @Test
  void shutdownRacingEvaluationsTrackAndFlush_throwsNothingAndLeavesNoThread() throws Exception {
    Map<Integer, Round> rounds = new ConcurrentHashMap<>();
    AtomicLong evaluations = new AtomicLong();
    Race.Outcome outcome =
        Race.run(
            4,
            Race.BUDGET.multipliedBy(2), // Each round starts and stops a whole provider.
            (thread, round, out) -> {
              Round current = rounds.computeIfAbsent(round, r -> new Round());
              GoFeatureFlagProvider provider = current.provider;
              if (thread == 0) {
                Thread.sleep(2); // Let the others get going, then pull the rug.
                provider.shutdown();
                provider.shutdown(); // Idempotent.
                current.others.await(30, TimeUnit.SECONDS);
                rounds.remove(round);
                return;
              }
              try {
                ImmutableContext user = new ImmutableContext("user-" + thread);
                for (int i = 0; i < 500; i++) {
                  ProviderEvaluation<Boolean> result = provider.getBooleanEvaluation("flag-" + (i % 5), false, user);
                  evaluations.incrementAndGet();
                  if (result == null || result.getValue() == null) {
                    out.report(Symptom.EXCEPTION_ESCAPED, "no answer at iteration " + i);
                    return;
                  }
                  provider.track("event", user, new MutableTrackingEventDetails(i));
                  provider.track("event", null, null);
                }
              } finally {
                current.others.countDown();
              }
            });
    // Each round starts and stops a whole provider, so on a busy machine few rounds fit the
    // budget; what must not be vacuous is the number of evaluations that raced a shutdown.
    assertClean(outcome, 1);
    assertThat(evaluations).as("evaluations made while shutdowns happened").hasValueGreaterThan(1_000);
    GoffThreads.awaitNone("goff-");
  }

  private static final class Round {
    final GoFeatureFlagProvider provider = started();
    final CountDownLatch others = new CountDownLatch(3);
  }

  private static GoFeatureFlagProvider started() {
    GoFeatureFlagProvider provider =
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint("http://127.0.0.1:9")
                .maxPendingEvents(50)
                .dataFlushInterval(Duration.ofMillis(5))
                .flagChangePollingInterval(Duration.ofMillis(5))
                .build(),
            new StubRelay());
    try {
      provider.initialize(null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return provider;
  }
}
