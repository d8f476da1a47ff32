package dev.flagrelay.benchmarks.scenario;

import dev.flagrelay.benchmarks.side.Side;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.Burst;
import dev.flagrelay.benchmarks.workload.Contexts;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * A stampede: {@value #THREADS} threads miss the same new cache key at the same instant, against a
 * relay that takes {@value #RELAY_DELAY_MILLIS} ms per evaluation. One operation is one burst,
 * with a fresh context, timed until every thread has its answer. The counters say how many relay
 * evaluations each burst cost ({@code relayRequests / bursts}); with single-flight it is 1.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", Side.FORK_FLAG})
@Threads(1)
public class StampedeBenchmark {
  static final int THREADS = 64;
  static final int RELAY_DELAY_MILLIS = 50;

  /** The provider with default options (cache on), a slow stub, and the burst threads. */
  @State(Scope.Benchmark)
  public static class Stampede {
    RelayStub stub;
    Client client;
    Burst burst;
    long bursts;

    @Setup(Level.Trial)
    public void setUp() {
      stub = RelayStub.start().evaluationDelay(Duration.ofMillis(RELAY_DELAY_MILLIS));
      client = SdkClients.ready("stampede", Side.defaults(stub));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, Contexts.user("warm-up")), "warm-up");
      burst = new Burst(THREADS);
    }

    /** A context no burst used before: every thread of this burst misses the cache. */
    EvaluationContext freshContext() {
      return Contexts.user("burst-" + bursts++);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      burst.close();
      Side.shutdownAll();
      System.out.println(stub.summary());
      stub.close();
    }
  }

  /** Per-iteration counts; JMH prints them next to the time per burst. */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class Counts {
    /** Bursts run. */
    public long bursts;
    /** Relay evaluations those bursts caused. */
    public long relayRequests;
    /**
     * Most relay evaluations a single burst caused; printed, not a counter (JMH would add the
     * iterations' maxima up).
     */
    long maxRelayRequestsInABurst;
    /** Evaluations that did not return the stub's answer (should stay 0). */
    public long wrongAnswers;

    @Setup(Level.Iteration)
    public void reset() {
      bursts = 0;
      relayRequests = 0;
      maxRelayRequestsInABurst = 0;
      wrongAnswers = 0;
    }

    void add(long requests, int trueAnswers, int threads) {
      bursts++;
      relayRequests += requests;
      maxRelayRequestsInABurst = Math.max(maxRelayRequestsInABurst, requests);
      wrongAnswers += threads - trueAnswers;
    }

    @TearDown(Level.Iteration)
    public void print() {
      System.out.printf(
          "%n  stampede: %d bursts, %d relay evaluations, %.2f per burst (max %d), %d wrong answers%n",
          bursts, relayRequests, bursts == 0 ? 0.0 : (double) relayRequests / bursts, maxRelayRequestsInABurst, wrongAnswers);
    }
  }

  @Benchmark
  public void burst64(Stampede state, Counts counts) throws InterruptedException, ExecutionException {
    EvaluationContext context = state.freshContext();
    long before = state.stub.evaluations();
    int trueAnswers = state.burst.run(() -> state.client.getBooleanValue(Contexts.FLAG, false, context));
    counts.add(state.stub.evaluations() - before, trueAnswers, THREADS);
  }
}
