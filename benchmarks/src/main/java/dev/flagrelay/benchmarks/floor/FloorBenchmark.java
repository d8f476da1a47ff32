package dev.flagrelay.benchmarks.floor;

import dev.flagrelay.benchmarks.workload.Contexts;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process floors of a cached evaluation, on the same flag and context as the provider
 * benchmarks: the SDK over its own in-memory provider (everything the SDK does around any
 * provider), and a {@code ConcurrentHashMap.get} of a prebuilt result (a cache with no SDK at
 * all).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FloorBenchmark {

  /** The SDK evaluating through {@link InMemoryProvider}: no I/O, no cache, no events. */
  @State(Scope.Benchmark)
  public static class Sdk {
    Client client;
    EvaluationContext context = Contexts.user("user-1");

    @Setup(Level.Trial)
    public void setUp() {
      Map<String, Flag<?>> flags =
          Map.of(Contexts.FLAG, Flag.<Boolean>builder().variant("on", true).variant("off", false).defaultVariant("on").build());
      client = SdkClients.ready("floor-in-memory", new InMemoryProvider(flags));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "in-memory floor");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      SdkClients.shutdownAll();
    }
  }

  /** A map from a string key to an evaluation built once. */
  @State(Scope.Benchmark)
  public static class PrebuiltResults {
    final ConcurrentHashMap<String, ProviderEvaluation<Boolean>> results = new ConcurrentHashMap<>();
    String key = Contexts.FLAG;

    @Setup(Level.Trial)
    public void setUp() {
      for (int i = 0; i < Contexts.DISTINCT_USERS; i++) {
        results.put(Contexts.FLAG + "/user-" + i, result());
      }
      results.put(key, result());
    }

    private static ProviderEvaluation<Boolean> result() {
      return ProviderEvaluation.<Boolean>builder().value(true).variant("on").reason(Reason.CACHED.name()).build();
    }
  }

  @Benchmark
  @Threads(1)
  public boolean inMemoryProvider_1thread(Sdk sdk) {
    return sdk.client.getBooleanValue(Contexts.FLAG, false, sdk.context);
  }

  @Benchmark
  @Threads(4)
  public boolean inMemoryProvider_4threads(Sdk sdk) {
    return sdk.client.getBooleanValue(Contexts.FLAG, false, sdk.context);
  }

  @Benchmark
  @Threads(1)
  public ProviderEvaluation<Boolean> concurrentHashMapGet(PrebuiltResults map) {
    return map.results.get(map.key);
  }
}
