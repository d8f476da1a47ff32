package dev.flagrelay.benchmarks;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.benchmarks.side.Side;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.Contexts;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.LayeredEvaluationContext;
import dev.openfeature.sdk.ProviderEvaluation;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The provider's own share of a cached hit, without the SDK around it: {@code
 * getBooleanEvaluation} called directly with the layered context the SDK would pass. The
 * difference between {@code CachedEvaluationBenchmark} and the SDK floor should be about this.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ProviderDirectBenchmark {
  private RelayStub stub;
  private GoFeatureFlagProvider provider;
  private GoFeatureFlagProvider collecting;
  private EvaluationContext layered;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    stub = RelayStub.start();
    provider = Side.flagrelay(stub, options -> options.disableDataCollection(true));
    provider.initialize(null);
    layered =
        new LayeredEvaluationContext(
            ImmutableContext.EMPTY, ImmutableContext.EMPTY, ImmutableContext.EMPTY, Contexts.user("user-1"));
    provider.getBooleanEvaluation(Contexts.FLAG, false, layered); // Cached from here on.
    collecting = Side.flagrelay(stub, options -> options);
    collecting.initialize(null);
    collecting.getBooleanEvaluation(Contexts.FLAG, false, layered);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    provider.shutdown();
    collecting.shutdown();
    stub.close();
  }

  @Benchmark
  public ProviderEvaluation<Boolean> cachedHit_noCollector() {
    return provider.getBooleanEvaluation(Contexts.FLAG, false, layered);
  }

  /** Default options: every hit also records a feature event for the collector. */
  @Benchmark
  public ProviderEvaluation<Boolean> cachedHit() {
    return collecting.getBooleanEvaluation(Contexts.FLAG, false, layered);
  }
}
