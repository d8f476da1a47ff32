package dev.flagrelay.benchmarks.inprocess;

import dev.flagrelay.EvaluationMode;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.Contexts;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Evaluation latency (sample time: p50, p99, ...) of the three-rule flag in a 1,000-flag
 * configuration while the provider keeps fetching it every {@link #POLL} ({@code swaps=false}: the
 * server answers 304, nothing changes), or while a background thread changes the served
 * configuration every {@link #SWAP} so that every other poll fetches, parses, compiles, diffs and
 * publishes 1,000 changed flags ({@code swaps=true}). Compare p99 between the two.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ConfigurationSwapBenchmark {
  static final Duration POLL = Duration.ofMillis(100);
  static final Duration SWAP = Duration.ofMillis(200);

  /** The in-process provider on a 1,000-flag configuration, swapped or not. */
  @State(Scope.Benchmark)
  public static class LargeConfiguration {
    @Param({"false", "true"})
    public boolean swaps;

    ConfigurationServer configurations;
    RelayStub collector;
    ScheduledExecutorService swapper;
    Client client;
    EvaluationContext context = InProcessWorkload.tenAttributes("user-1");
    final AtomicLong configurationChanges = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
      configurations =
          ConfigurationServer.start(InProcessWorkload.largeConfiguration("a"), InProcessWorkload.largeConfiguration("b"));
      collector = RelayStub.start();
      client =
          SdkClients.ready(
              "in-process-swap",
              new GoFeatureFlagProvider(
                  GoFeatureFlagProviderOptions.builder()
                      .endpoint(configurations.baseUrl())
                      .dataCollectorBaseUrl(collector.baseUrl())
                      .evaluationMode(EvaluationMode.IN_PROCESS)
                      .flagChangePollingInterval(POLL)
                      .build()));
      OpenFeatureAPI.getInstance()
          .getClient("in-process-swap")
          .on(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, details -> configurationChanges.incrementAndGet());
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "in-process warm-up");
      if (swaps) {
        swapper =
            Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "bench-configuration-swapper");
                  thread.setDaemon(true);
                  return thread;
                });
        swapper.scheduleAtFixedRate(configurations::swap, SWAP.toMillis(), SWAP.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (swapper != null) {
        swapper.shutdownNow();
      }
      SdkClients.shutdownAll();
      System.out.println(
          "swaps="
              + swaps
              + ": configurations fetched "
              + configurations.fetched()
              + ", 304s "
              + configurations.notModified()
              + ", CONFIGURATION_CHANGED events "
              + configurationChanges.get()
              + "; "
              + collector.summary());
      collector.close();
      configurations.close();
    }
  }

  @Benchmark
  @Threads(1)
  public boolean evaluate_1thread(LargeConfiguration state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }
}
