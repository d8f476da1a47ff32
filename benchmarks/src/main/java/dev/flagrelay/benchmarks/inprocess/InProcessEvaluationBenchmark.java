package dev.flagrelay.benchmarks.inprocess;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.Contexts;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.sdk.Client;
import dev.flagrelay.engine.EvaluationResult;
import dev.flagrelay.engine.FlagConfiguration;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.LayeredEvaluationContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An in-process evaluation through the OpenFeature client of a three-rule flag on a ten-attribute
 * context, data collection on (one feature event per evaluation, shipped to {@link RelayStub}),
 * next to, in the same run and with the same flag key and context: the SDK over its {@link
 * InMemoryProvider} (the floor) and the remote mode's cached hit (defaults, collector on). At 1, 2
 * and 4 threads (2 cores here).
 *
 * <p>To split the in-process cost, at 1 thread: the same through the SDK with data collection off;
 * the provider alone ({@code getBooleanEvaluation} with the layered context the SDK would pass),
 * collector on and off; and the engine alone on the same flag and attributes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InProcessEvaluationBenchmark {

  /** The in-process provider: configuration from its own server, events to the stub. */
  @State(Scope.Benchmark)
  public static class InProcess {
    ConfigurationServer configurations;
    RelayStub collector;
    Client client;
    EvaluationContext context = InProcessWorkload.tenAttributes("user-1");

    @Setup(Level.Trial)
    public void setUp() {
      configurations = ConfigurationServer.start(InProcessWorkload.singleFlag());
      collector = RelayStub.start();
      client = SdkClients.ready("in-process", InProcessWorkload.inProcessProvider(configurations, collector));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "in-process warm-up");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      SdkClients.shutdownAll();
      System.out.println("in-process: relay evaluations " + collector.evaluations() + "; " + collector.summary());
      collector.close();
      configurations.close();
    }
  }

  /** The in-process provider with data collection off. */
  @State(Scope.Benchmark)
  public static class InProcessNoCollector {
    ConfigurationServer configurations;
    Client client;
    EvaluationContext context = InProcessWorkload.tenAttributes("user-1");

    @Setup(Level.Trial)
    public void setUp() {
      configurations = ConfigurationServer.start(InProcessWorkload.singleFlag());
      client = SdkClients.ready("in-process-no-collector", InProcessWorkload.inProcessProvider(configurations, null));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "in-process warm-up");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      SdkClients.shutdownAll();
      configurations.close();
    }
  }

  /** In-process providers called directly, without the SDK: collector on and off. */
  @State(Scope.Benchmark)
  public static class ProviderAlone {
    ConfigurationServer configurations;
    RelayStub collector;
    GoFeatureFlagProvider collecting;
    GoFeatureFlagProvider notCollecting;
    /** The context the SDK hands the provider for an invocation context: a layered one. */
    EvaluationContext layered =
        new LayeredEvaluationContext(
            ImmutableContext.EMPTY, ImmutableContext.EMPTY, ImmutableContext.EMPTY, InProcessWorkload.tenAttributes("user-1"));

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      configurations = ConfigurationServer.start(InProcessWorkload.singleFlag());
      collector = RelayStub.start();
      collecting = InProcessWorkload.inProcessProvider(configurations, collector);
      collecting.initialize(null);
      notCollecting = InProcessWorkload.inProcessProvider(configurations, null);
      notCollecting.initialize(null);
      SdkClients.requireTrue(collecting.getBooleanEvaluation(Contexts.FLAG, false, layered).getValue(), "provider alone");
      SdkClients.requireTrue(notCollecting.getBooleanEvaluation(Contexts.FLAG, false, layered).getValue(), "provider alone");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      collecting.shutdown();
      notCollecting.shutdown();
      System.out.println("provider alone: " + collector.summary());
      collector.close();
      configurations.close();
    }
  }

  /** The engine alone: the same flag and attributes as plain values, evaluated at a fixed date. */
  @State(Scope.Benchmark)
  public static class EngineAlone {
    FlagConfiguration configuration = FlagConfiguration.parse(InProcessWorkload.singleFlag());
    dev.flagrelay.engine.EvaluationContext context = InProcessWorkload.tenPlainAttributes("user-1");
    Instant now = Instant.now();

    @Setup(Level.Trial)
    public void setUp() {
      SdkClients.requireTrue(Boolean.TRUE.equals(evaluate().value()), "engine alone");
    }

    EvaluationResult evaluate() {
      return configuration.evaluate(Contexts.FLAG, context, null, now);
    }
  }

  /** The remote mode's cached hit of the same flag and context (defaults: cache and collector on). */
  @State(Scope.Benchmark)
  public static class RemoteCached {
    RelayStub stub;
    Client client;
    EvaluationContext context = InProcessWorkload.tenAttributes("user-1");
    long evaluationsBeforeMeasuring;

    @Setup(Level.Trial)
    public void setUp() {
      stub = RelayStub.start();
      client =
          SdkClients.ready(
              "remote-cached", new GoFeatureFlagProvider(GoFeatureFlagProviderOptions.builder().endpoint(stub.baseUrl()).build()));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "remote warm-up");
      evaluationsBeforeMeasuring = stub.evaluations();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      SdkClients.shutdownAll();
      System.out.println(
          "remote cached: relay evaluations during the run " + (stub.evaluations() - evaluationsBeforeMeasuring) + "; " + stub.summary());
      stub.close();
    }
  }

  /** The SDK over its in-memory provider, same flag key and context. */
  @State(Scope.Benchmark)
  public static class Floor {
    Client client;
    EvaluationContext context = InProcessWorkload.tenAttributes("user-1");

    @Setup(Level.Trial)
    public void setUp() {
      Map<String, Flag<?>> flags =
          Map.of(Contexts.FLAG, Flag.<Boolean>builder().variant("on", true).variant("off", false).defaultVariant("on").build());
      client = SdkClients.ready("in-process-floor", new InMemoryProvider(flags));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "in-memory floor");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      SdkClients.shutdownAll();
    }
  }

  @Benchmark
  @Threads(1)
  public boolean inProcess_1thread(InProcess state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(2)
  public boolean inProcess_2threads(InProcess state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(4)
  public boolean inProcess_4threads(InProcess state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(1)
  public boolean inProcessNoCollector_1thread(InProcessNoCollector state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(1)
  public ProviderEvaluation<Boolean> providerAlone_1thread(ProviderAlone state) {
    return state.collecting.getBooleanEvaluation(Contexts.FLAG, false, state.layered);
  }

  @Benchmark
  @Threads(1)
  public ProviderEvaluation<Boolean> providerAloneNoCollector_1thread(ProviderAlone state) {
    return state.notCollecting.getBooleanEvaluation(Contexts.FLAG, false, state.layered);
  }

  @Benchmark
  @Threads(1)
  public EvaluationResult engineAlone_1thread(EngineAlone state) {
    return state.evaluate();
  }

  @Benchmark
  @Threads(1)
  public boolean floor_1thread(Floor state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(2)
  public boolean floor_2threads(Floor state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(4)
  public boolean floor_4threads(Floor state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(1)
  public boolean remoteCached_1thread(RemoteCached state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(2)
  public boolean remoteCached_2threads(RemoteCached state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(4)
  public boolean remoteCached_4threads(RemoteCached state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }
}
