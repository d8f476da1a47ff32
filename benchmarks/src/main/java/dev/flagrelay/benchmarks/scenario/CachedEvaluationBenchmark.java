package dev.flagrelay.benchmarks.scenario;

import dev.flagrelay.benchmarks.side.Side;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.Contexts;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.flagrelay.benchmarks.workload.ZipfIndexes;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FeatureProvider;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * The side's cached path through the SDK: the cache on, every answer already cached before the
 * measurement, data collection on (each cached hit records a feature event) unless the method
 * says otherwise. Compare with {@code FloorBenchmark} in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", Side.FORK_FLAG})
public class CachedEvaluationBenchmark {

  /** A provider on its own stub, one context, its answer cached; states below pick the options. */
  abstract static class CachedProvider {
    RelayStub stub;
    Client client;
    EvaluationContext context = Contexts.user("user-1");
    long relayCallsBeforeMeasuring;

    void start(String domain, Function<RelayStub, FeatureProvider> provider) {
      stub = RelayStub.start();
      client = SdkClients.ready(domain, provider.apply(stub));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "warm-up");
      relayCallsBeforeMeasuring = stub.evaluations();
    }

    void stop() {
      Side.shutdownAll();
      System.out.println(
          "relay evaluations during the run: " + (stub.evaluations() - relayCallsBeforeMeasuring) + "; " + stub.summary());
      stub.close();
    }
  }

  /** Default options: the cache and data collection on. */
  @State(Scope.Benchmark)
  public static class SameContext extends CachedProvider {
    @Setup(Level.Trial)
    public void setUp() {
      start("cached-same", Side::defaults);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      stop();
    }
  }

  /** Data collection off: the cache lookup without recording a feature event. */
  @State(Scope.Benchmark)
  public static class SameContextNoCollector extends CachedProvider {
    @Setup(Level.Trial)
    public void setUp() {
      start("cached-same-no-collector", Side::noDataCollection);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      stop();
    }
  }

  /** The provider with default options and all {@link Contexts#DISTINCT_USERS} answers cached. */
  @State(Scope.Benchmark)
  public static class ManyContexts {
    RelayStub stub;
    Client client;
    EvaluationContext[] users = Contexts.distinctUsers();
    ZipfIndexes order = ZipfIndexes.draw(users.length, 42);
    long relayCallsBeforeMeasuring;

    @Setup(Level.Trial)
    public void setUp() {
      stub = RelayStub.start();
      client = SdkClients.ready("cached-many", Side.defaults(stub));
      for (EvaluationContext user : users) {
        SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, user), "warm-up");
      }
      relayCallsBeforeMeasuring = stub.evaluations();
      System.out.println("zipf order: " + order.distinct() + " distinct users in " + ZipfIndexes.LENGTH + " draws");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Side.shutdownAll();
      System.out.println("relay evaluations during the run (misses): " + (stub.evaluations() - relayCallsBeforeMeasuring) + "; " + stub.summary());
      stub.close();
    }
  }

  /** Each thread's own position in the Zipf order, starting at a random place. */
  @State(Scope.Thread)
  public static class Cursor {
    int position;

    @Setup(Level.Trial)
    public void setUp() {
      position = ThreadLocalRandom.current().nextInt(ZipfIndexes.LENGTH);
    }
  }

  @Benchmark
  @Threads(1)
  public boolean sameContext_1thread(SameContext state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(4)
  public boolean sameContext_4threads(SameContext state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(1)
  public boolean sameContextNoCollector_1thread(SameContextNoCollector state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(4)
  public boolean sameContextNoCollector_4threads(SameContextNoCollector state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(1)
  public boolean zipfContexts_1thread(ManyContexts state, Cursor cursor) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.users[state.order.at(cursor.position++)]);
  }

  @Benchmark
  @Threads(4)
  public boolean zipfContexts_4threads(ManyContexts state, Cursor cursor) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.users[state.order.at(cursor.position++)]);
  }
}
