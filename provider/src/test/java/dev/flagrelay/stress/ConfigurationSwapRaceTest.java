package dev.flagrelay.stress;

import static dev.flagrelay.stress.RaceAssertions.assertCaught;
import static dev.flagrelay.stress.RaceAssertions.assertClean;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.engine.FlagConfiguration;
import dev.flagrelay.internal.configuration.ConfigurationRefresher;
import dev.flagrelay.internal.configuration.ConfigurationSnapshot;
import dev.flagrelay.internal.evaluation.EventRecorder;
import dev.flagrelay.internal.evaluation.FlagType;
import dev.flagrelay.internal.evaluation.LocalEvaluator;
import dev.flagrelay.internal.evaluation.RemoteEvaluator;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.internal.relay.FeatureEvent;
import dev.flagrelay.internal.relay.InProcessEvent;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 9: in-process evaluations race configuration swaps. Generation N of the configuration
 * has the enrichment {@code {"gen": N}} and flags whose only rule is {@code gen eq N} (variant
 * {@code match}, value N, version "N"); any evaluation that sees the flags of one generation and
 * the enrichment of another answers {@code mismatch}, and an event whose version is not the value
 * came from a second read of the configuration. Both are {@link Symptom#MIXED_CONFIGURATION}.
 */
@Tag("stress")
@Timeout(90)
class ConfigurationSwapRaceTest {
  private static final int FLAGS = 4;
  private static final ImmutableContext USER = new ImmutableContext("user-1");
  private static final AtomicInteger COMPARED = new AtomicInteger();

  static String flags(int gen) {
    StringBuilder json = new StringBuilder("{");
    for (int f = 0; f < FLAGS; f++) {
      json.append(f == 0 ? "" : ",")
          .append("\"f").append(f).append("\":{\"variations\":{\"match\":").append(gen)
          .append(",\"mismatch\":-1},\"targeting\":[{\"query\":\"gen eq ").append(gen)
          .append("\",\"variation\":\"match\"}],\"defaultRule\":{\"variation\":\"mismatch\"},\"version\":\"")
          .append(gen).append("\"}");
    }
    return json.append('}').toString();
  }

  static String enrichment(int gen) {
    return "{\"gen\":" + gen + "}";
  }

  static String body(String flags, String enrichment) {
    return "{\"flags\":" + flags + ",\"evaluationContextEnrichment\":" + enrichment + "}";
  }

  /** Publishes configurations one after another, from one thread. */
  interface Swapper {
    void swap();
  }

  /** One way of keeping the configuration: the swapper writes it, evaluations read it. */
  interface Holder {
    Swapper swapper();

    Supplier<ConfigurationSnapshot> reader();
  }

  @Test
  void realRefresher_everyEvaluationSeesOneWholeConfiguration() throws Exception {
    COMPARED.set(0);
    assertClean(race(new RealRefresher()), 5);
    assertThat(COMPARED.get()).as("evaluations compared").isGreaterThan(1_000);
  }

  @Test
  void flagsAndEnrichmentPublishedSeparately_isCaught_asMixedConfiguration() throws Exception {
    assertCaught(Race.hunt(() -> race(new SeparateParts())), Symptom.MIXED_CONFIGURATION);
  }

  private static Race.Outcome race(Holder holder) throws InterruptedException {
    ThreadLocal<FeatureEvent> recorded = new ThreadLocal<>();
    EventRecorder events =
        event -> recorded.set(event instanceof InProcessEvent local ? local.toFeatureEvent() : (FeatureEvent) event);
    LocalEvaluator evaluator =
        new LocalEvaluator(
            holder.reader(), new RemoteEvaluator(new StubRelay(), null, null, EventRecorder.NONE, Clock.systemUTC()),
            events, Clock.systemUTC());
    Swapper swapper = holder.swapper();
    return Race.run(
        3,
        (thread, round, out) -> {
          if (thread == 0) {
            for (int i = 0; i < 20; i++) {
              swapper.swap();
            }
            return;
          }
          for (int i = 0; i < 100; i++) {
            String flag = "f" + (i % FLAGS);
            recorded.remove();
            ProviderEvaluation<Integer> answer = evaluator.evaluate(flag, FlagType.INTEGER, 0, USER);
            COMPARED.incrementAndGet();
            FeatureEvent event = recorded.get();
            if (!"match".equals(answer.getVariant())) {
              out.report(Symptom.MIXED_CONFIGURATION, flag + " answered " + answer.getVariant() + " " + answer.getValue());
              return;
            }
            if (event == null || !event.version().equals(String.valueOf(answer.getValue()))) {
              out.report(Symptom.MIXED_CONFIGURATION, flag + " value " + answer.getValue() + " event " + event);
              return;
            }
          }
        });
  }

  /** The provider's refresher: each swap is a refresh that fetches the next generation. */
  private static final class RealRefresher implements Holder {
    private final AtomicInteger generation = new AtomicInteger();
    private final ConfigurationRefresher refresher =
        new ConfigurationRefresher(
            new StubRelay() {
              @Override
              public ConfigurationAnswer flagConfiguration(String etag, List<String> flags) {
                int gen = generation.incrementAndGet();
                byte[] body = body(flags(gen), enrichment(gen)).getBytes(StandardCharsets.UTF_8);
                return new ConfigurationAnswer.Fetched(body, "\"" + gen + "\"");
              }
            },
            List.of(),
            Duration.ofHours(1),
            new ConfigurationRefresher.Listener() {
              @Override
              public void flagsChanged(List<String> flagKeys) {}

              @Override
              public void stale(String message) {}

              @Override
              public void recovered() {}
            });

    RealRefresher() {
      refresher.refresh();
    }

    @Override
    public Swapper swapper() {
      return refresher::refresh; // Never started: the swapper thread is the refresher thread.
    }

    @Override
    public Supplier<ConfigurationSnapshot> reader() {
      return refresher::current;
    }
  }

  /**
   * Racy twin: the flags and the enrichment are published as two fields, the enrichment after the
   * new flags have been checked, and read back as two fields.
   */
  private static final class SeparateParts implements Holder {
    private volatile String flags = flags(0);
    private volatile String enrichment = enrichment(0);
    private int generation;

    @Override
    public Swapper swapper() {
      return () -> {
        int gen = ++generation;
        flags = flags(gen);
        FlagConfiguration.parse(body(flags, enrichment(gen))); // Checked before the enrichment is published.
        enrichment = enrichment(gen);
      };
    }

    @Override
    public Supplier<ConfigurationSnapshot> reader() {
      return () -> new ConfigurationSnapshot(FlagConfiguration.parse(body(flags, enrichment)), null);
    }
  }
}
