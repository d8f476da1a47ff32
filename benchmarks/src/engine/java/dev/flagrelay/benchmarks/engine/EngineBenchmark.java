package dev.flagrelay.benchmarks.engine;

import dev.flagrelay.engine.EvaluationContext;
import dev.flagrelay.engine.EvaluationResult;
import dev.flagrelay.engine.FlagConfiguration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One evaluation by the engine alone (no SDK, no provider): (a) a static flag, (b) a percentage
 * split, (c) ten nikunjy rules on a 14-attribute context (the last one matches), (d) one JsonLogic
 * rule. Average time and sample time (p50, p99); {@code -prof gc} gives the bytes per
 * evaluation. Compare with {@code floor.FloorBenchmark.inMemoryProvider_1thread} from the same run.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class EngineBenchmark {
  private static final Instant NOW = Instant.parse("2024-01-10T00:00:00Z");

  /** One parsed configuration and the contexts, built once. */
  @State(Scope.Benchmark)
  public static class Engine {
    FlagConfiguration configuration;
    EvaluationContext small;
    EvaluationContext context14;

    @Setup(Level.Trial)
    public void setUp() {
      configuration = FlagConfiguration.parse(EngineFlags.configuration());
      small = EvaluationContext.of("user-42", Map.of("email", "user-42@example.com", "company", "flagrelay", "anonymous", false));
      context14 = EvaluationContext.of("user-42", EngineFlags.context14());
      require(EngineFlags.STATIC, small, "on");
      require(EngineFlags.SPLIT, small, null);
      require(EngineFlags.NIKUNJY_10_RULES, context14, "on");
      require(EngineFlags.JSONLOGIC, context14, "on");
    }

    private void require(String flag, EvaluationContext context, String variant) {
      EvaluationResult result = configuration.evaluate(flag, context, false, NOW);
      if (result.failed() || (variant != null && !variant.equals(result.variant()))) {
        throw new IllegalStateException(flag + ": unexpected answer " + result);
      }
    }
  }

  @Benchmark
  public EvaluationResult a_staticFlag(Engine engine) {
    return engine.configuration.evaluate(EngineFlags.STATIC, engine.small, false, NOW);
  }

  @Benchmark
  public EvaluationResult b_percentageSplit(Engine engine) {
    return engine.configuration.evaluate(EngineFlags.SPLIT, engine.small, false, NOW);
  }

  @Benchmark
  public EvaluationResult c_tenNikunjyRules14Attributes(Engine engine) {
    return engine.configuration.evaluate(EngineFlags.NIKUNJY_10_RULES, engine.context14, false, NOW);
  }

  @Benchmark
  public EvaluationResult d_jsonLogicRule(Engine engine) {
    return engine.configuration.evaluate(EngineFlags.JSONLOGIC, engine.context14, false, NOW);
  }
}
