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
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.MutableStructure;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 2: the application keeps changing a {@code MutableContext} while the provider reads it.
 * The body sent to the relay and the cache key must come from one snapshot; nothing may throw.
 */
@Tag("stress")
@Timeout(60)
class ContextRaceTest {
  private static final AtomicInteger COMPARED = new AtomicInteger();
  private static final JsonCodec CODEC = new JsonCodec(Map.of("provider", "java"));
  private static final RelayAnswer ANSWER =
      new RelayAnswer(true, "on", "TARGETING_MATCH", Map.of(RelayAnswer.CACHEABLE_KEY, true));

  /** Prepares one evaluation: the cache key it files the answer under and the body it sends. */
  interface Preparation {
    Prepared prepare(String flagKey, EvaluationContext live) throws Exception;
  }

  record Prepared(ContextSnapshot keyContext, byte[] body) {}

  @Test
  void realEvaluator_sendsAndCachesOneSnapshot() throws Exception {
    COMPARED.set(0);
    assertClean(race(new RealEvaluation()), 2);
    // The writer never stops while readers read, so rounds are few on a busy machine; what must
    // not be vacuous is the number of evaluations compared while the context was changing.
    assertThat(COMPARED.get()).as("evaluations compared").isGreaterThan(100);
  }

  @Test
  void serialisingTheLiveContext_isCaught_asBodyKeyMismatch() throws Exception {
    assertCaught(Race.hunt(() -> race(new LiveSerialisation())), Symptom.BODY_KEY_MISMATCH);
  }

  private static Race.Outcome race(Preparation preparation) throws InterruptedException {
    MutableContext live = new MutableContext("user-1");
    Map<Integer, AtomicInteger> readersDone = new ConcurrentHashMap<>();
    return Race.run(
        3,
        (thread, round, out) -> {
          AtomicInteger done = readersDone.computeIfAbsent(round, r -> new AtomicInteger());
          if (thread == 0) {
            // Keep changing the context for as long as the readers read it.
            for (int i = 0; done.get() < 2 && i < 1_000_000; i += 400) {
              mutate(live, round + i);
            }
            readersDone.remove(round);
            return;
          }
          try {
            prepareAndCompare(preparation, live, thread, round, out);
          } finally {
            done.incrementAndGet();
          }
        });
  }

  private static void prepareAndCompare(
      Preparation preparation, MutableContext live, int thread, int round, Race.Violations out) throws Exception {
    for (int i = 0; i < 40; i++) {
      String flag = "flag-" + thread + "-" + round + "-" + i;
      Prepared prepared = preparation.prepare(flag, live);
      if (prepared == null) {
        continue; // The context kept changing: answered INVALID_CONTEXT, which is allowed.
      }
      COMPARED.incrementAndGet();
      if (!Arrays.equals(prepared.body(), CODEC.evaluationRequest(prepared.keyContext()))) {
        out.report(Symptom.BODY_KEY_MISMATCH, flag + ": body " + new String(prepared.body()));
        return;
      }
    }
  }

  private static void mutate(MutableContext live, int round) {
    for (int i = 0; i < 400; i++) {
      live.add("counter", round * 1000 + i);
      live.add("attribute-" + (i % 24), i);
      if (i % 7 == 0) {
        live.add("nested", new MutableStructure().add("depth", i));
      }
    }
  }

  /** The provider's evaluator, with a relay stand-in that records what it was asked to send. */
  private static final class RealEvaluation implements Preparation {
    private final EvaluationCache cache =
        new EvaluationCache(100_000, Duration.ofMinutes(1), Duration.ZERO, System::nanoTime);
    private final ThreadLocal<Prepared> sent = new ThreadLocal<>();
    private final RemoteEvaluator evaluator =
        new RemoteEvaluator(
            new StubRelay() {
              @Override
              public RelayAnswer evaluate(String flagKey, ContextSnapshot context) {
                sent.set(new Prepared(context, CODEC.evaluationRequest(context))); // What OkHttpRelayClient sends.
                return ANSWER;
              }
            },
            cache,
            new SingleFlight(cache, Duration.ofSeconds(1)),
            EventRecorder.NONE,
            Clock.systemUTC());

    @Override
    public Prepared prepare(String flagKey, EvaluationContext live) {
      sent.remove();
      evaluator.evaluate(flagKey, FlagType.BOOLEAN, false, live);
      Prepared prepared = sent.get();
      if (prepared == null) {
        return null;
      }
      // The cache must hold the answer under exactly the context that was sent.
      boolean filedUnderSentContext = cache.get(new CacheKey(flagKey, prepared.keyContext())) != null;
      return filedUnderSentContext ? prepared : new Prepared(ContextSnapshot.EMPTY, prepared.body());
    }
  }

  /** Racy twin: keys the cache on one read of the live context and serialises a second read. */
  private static final class LiveSerialisation implements Preparation {
    @Override
    public Prepared prepare(String flagKey, EvaluationContext live) {
      ContextSnapshot key = ContextSnapshot.of(live);
      byte[] body = CODEC.evaluationRequest(ContextSnapshot.of(live));
      return new Prepared(key, body);
    }
  }
}
