package dev.flagrelay.stress;

import static dev.flagrelay.stress.RaceAssertions.assertCaught;
import static dev.flagrelay.stress.RaceAssertions.assertClean;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.internal.cache.CacheKey;
import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.cache.SingleFlight;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.evaluation.EventRecorder;
import dev.flagrelay.internal.evaluation.FlagType;
import dev.flagrelay.internal.evaluation.RemoteEvaluator;
import dev.flagrelay.internal.http.OkHttpRelayClient;
import dev.flagrelay.internal.json.JsonCodec;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 6: answers that arrive right at the timeout. Each evaluation has exactly one outcome
 * (the answer or the default), and an evaluation that timed out never leaves its answer in the
 * cache afterwards.
 */
@Tag("stress")
@Timeout(120)
class TimeoutBoundaryTest {
  private static final long TIMEOUT_MS = 100;
  private static final int THREADS = 4;

  private EchoRelay echo;
  private OkHttpRelayClient client;
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger timedOut = new AtomicInteger();
  private final EvaluationCache cache =
      new EvaluationCache(10_000, Duration.ofMinutes(1), Duration.ZERO, System::nanoTime);

  /** One evaluation with a cache: the answer, or the default when it timed out. */
  interface CachedEvaluation {
    ProviderEvaluation<String> evaluate(String user);
  }

  @BeforeEach
  void start() throws Exception {
    // Delays straddle the timeout: 90..112 ms, chosen by the user key.
    echo = new EchoRelay(user -> TIMEOUT_MS - 10 + Math.floorMod(user.hashCode(), 23));
    client =
        new OkHttpRelayClient(
            echo.endpoint(), echo.endpoint(), null, Map.of(), Duration.ofMillis(TIMEOUT_MS), new JsonCodec(Map.of()));
  }

  @AfterEach
  void stop() {
    client.close();
    echo.close();
  }

  @Test
  void realClient_aTimedOutEvaluationNeverWritesTheCacheLate() throws Exception {
    RemoteEvaluator evaluator =
        new RemoteEvaluator(
            client, cache, new SingleFlight(cache, Duration.ofMillis(TIMEOUT_MS + 500)), EventRecorder.NONE, Clock.systemUTC());
    assertClean(race(user -> evaluator.evaluate("echo", FlagType.STRING, "default", new ImmutableContext(user))), 3);
    assertThat(answered).as("evaluations answered just inside the timeout").hasPositiveValue();
    assertThat(timedOut).as("evaluations that ran into the timeout").hasPositiveValue();
  }

  @Test
  void timeoutByAbandoningAFuture_isCaught_asLateCacheWrite() throws Exception {
    ExecutorService background = Executors.newCachedThreadPool();
    try {
      assertCaught(Race.hunt(() -> race(new AbandonedFuture(background))), Symptom.LATE_CACHE_WRITE);
    } finally {
      background.shutdownNow();
    }
  }

  private Race.Outcome race(CachedEvaluation evaluation) throws InterruptedException {
    return Race.run(
        THREADS,
        Duration.ofSeconds(Math.max(3, Race.BUDGET.toSeconds())),
        (thread, round, out) -> {
          for (int i = 0; i < 4; i++) {
            String user = "user-" + thread + "-" + round + "-" + i;
            ProviderEvaluation<String> result = evaluation.evaluate(user);
            boolean answered = result.getErrorCode() == null;
            (answered ? this.answered : this.timedOut).incrementAndGet();
            if (answered && !user.equals(result.getValue())) {
              out.report(Symptom.CROSS_TALK, user + " received " + result.getValue());
              return;
            }
            if (!answered) {
              Thread.sleep(TIMEOUT_MS); // Long enough for a late answer to land.
              if (cache.get(key(user)) != null) {
                out.report(Symptom.LATE_CACHE_WRITE, user + " timed out but its answer was cached afterwards");
                return;
              }
            }
          }
        });
  }

  private static CacheKey key(String user) {
    return new CacheKey("echo", ContextSnapshot.of(new ImmutableContext(user)));
  }

  /**
   * Racy twin: runs the relay call and the cache write in a future and stops waiting at the
   * timeout, but nothing stops the future, which writes the cache when the answer finally comes.
   */
  private final class AbandonedFuture implements CachedEvaluation {
    private final OkHttpRelayClient slowClient =
        new OkHttpRelayClient(echo.endpoint(), echo.endpoint(), null, Map.of(), Duration.ofSeconds(5), new JsonCodec(Map.of()));
    private final ExecutorService background;
    private final RemoteEvaluator writer;

    AbandonedFuture(ExecutorService background) {
      this.background = background;
      this.writer =
          new RemoteEvaluator(slowClient, cache, new SingleFlight(cache, Duration.ofSeconds(5)), EventRecorder.NONE, Clock.systemUTC());
    }

    @Override
    public ProviderEvaluation<String> evaluate(String user) {
      CompletableFuture<ProviderEvaluation<String>> call =
          CompletableFuture.supplyAsync(
              () -> writer.evaluate("echo", FlagType.STRING, "default", new ImmutableContext(user)), background);
      try {
        return call.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return ProviderEvaluation.<String>builder().value("default").errorCode(dev.openfeature.sdk.ErrorCode.GENERAL).build();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
