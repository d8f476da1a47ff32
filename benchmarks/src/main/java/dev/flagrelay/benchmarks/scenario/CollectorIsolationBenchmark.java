package dev.flagrelay.benchmarks.scenario;

import dev.flagrelay.benchmarks.side.Side;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.Contexts;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * Cached evaluations while the data collector is fast, or takes {@value #SLOW_COLLECTOR_SECONDS}
 * s per batch. Each cached hit records an event; with {@value #MAX_PENDING_EVENTS} pending events
 * a flush starts, so flushes run all through the measurement. An evaluation must never wait for
 * a flush: compare the p99 and p99.9 of {@code slow} with {@code fast}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", Side.FORK_FLAG})
public class CollectorIsolationBenchmark {
  static final int SLOW_COLLECTOR_SECONDS = 3;
  static final int MAX_PENDING_EVENTS = 100;

  /** The provider with a small event buffer, against a fast or a slow collector. */
  @State(Scope.Benchmark)
  public static class Collecting {
    @Param({"fast", "slow"})
    public String collector;

    RelayStub stub;
    Client client;
    EvaluationContext context = Contexts.user("user-1");

    @Setup(Level.Trial)
    public void setUp() {
      stub = RelayStub.start();
      if (collector.equals("slow")) {
        stub.collectorDelay(Duration.ofSeconds(SLOW_COLLECTOR_SECONDS));
      }
      client =
          SdkClients.ready(
              "collector-" + collector, Side.smallEventBuffer(stub, MAX_PENDING_EVENTS, Duration.ofMillis(500)));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "warm-up");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Side.shutdownAll();
      System.out.println(stub.summary());
      stub.close();
    }
  }

  @Benchmark
  @Threads(1)
  public boolean cachedWhileCollecting(Collecting state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }
}
