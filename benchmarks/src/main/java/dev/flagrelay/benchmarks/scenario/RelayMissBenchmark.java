package dev.flagrelay.benchmarks.scenario;

import dev.flagrelay.benchmarks.side.Side;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.BareHttp;
import dev.flagrelay.benchmarks.workload.Contexts;
import dev.flagrelay.benchmarks.workload.ProcessCpu;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FeatureProvider;
import java.io.IOException;
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
 * The miss path: every evaluation goes to the relay stub (cache disabled), next to a bare OkHttp
 * POST of the very body the provider sends (to the route its side calls), to the same stub, at the same thread counts. The
 * difference is what the provider and the SDK add to one round trip. Each measurement iteration
 * also logs the process's CPU time per request ({@link ProcessCpu}), which waiting for a core on
 * a busy machine does not inflate.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", Side.FORK_FLAG})
public class RelayMissBenchmark {

  /** The provider with the cache disabled, through the SDK. */
  @State(Scope.Benchmark)
  public static class Uncached {
    RelayStub stub;
    Client client;
    EvaluationContext context = Contexts.user("user-1");
    ProcessCpu cpu;

    @Setup(Level.Trial)
    public void setUp() {
      stub = RelayStub.start();
      cpu = new ProcessCpu(stub);
      client = SdkClients.ready("miss", Side.noCache(stub));
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, context), "warm-up");
    }

    @Setup(Level.Iteration)
    public void startIteration() {
      cpu.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
      System.out.println(cpu.report());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      Side.shutdownAll();
      System.out.println(stub.summary());
      stub.close();
    }
  }

  /** A bare OkHttp client POSTing the body the provider sent for the same flag and context. */
  @State(Scope.Benchmark)
  public static class Bare {
    RelayStub stub;
    BareHttp http;
    ProcessCpu cpu;

    @Setup(Level.Trial)
    public void setUp() {
      stub = RelayStub.start();
      cpu = new ProcessCpu(stub);
      http = new BareHttp(stub.baseUrl() + Side.evaluationPath(Contexts.FLAG), capturedBody(stub));
    }

    @Setup(Level.Iteration)
    public void startIteration() {
      cpu.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
      System.out.println(cpu.report());
    }

    /** Has a throwaway provider evaluate once and returns the body it sent. */
    private static byte[] capturedBody(RelayStub stub) {
      FeatureProvider provider = Side.noCache(stub);
      Client client = SdkClients.ready("miss-capture", provider);
      SdkClients.requireTrue(client.getBooleanValue(Contexts.FLAG, false, Contexts.user("user-1")), "capture");
      provider.shutdown();
      return stub.lastBody(Side.evaluationRoute());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      http.close();
      System.out.println(stub.summary());
      stub.close();
    }
  }

  @Benchmark
  @Threads(1)
  public boolean provider_1thread(Uncached state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(8)
  public boolean provider_8threads(Uncached state) {
    return state.client.getBooleanValue(Contexts.FLAG, false, state.context);
  }

  @Benchmark
  @Threads(1)
  public byte[] bareOkHttpPost_1thread(Bare state) throws IOException {
    return state.http.post();
  }

  @Benchmark
  @Threads(8)
  public byte[] bareOkHttpPost_8threads(Bare state) throws IOException {
    return state.http.post();
  }
}
