package dev.flagrelay.benchmarks;

import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.internal.events.DataCollector;
import dev.flagrelay.internal.http.OkHttpRelayClient;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.CacheHitEvent;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code record()} alone while the buffer has room: what an evaluating thread pays per event when
 * the sender keeps up. A tight loop of {@code record()} outruns any sender, so {@link
 * CollectorBenchmark}'s {@code record_*} measures a buffer that is always full (each event also
 * drops the oldest). Here each iteration is one burst of {@value #BURST} events per thread into
 * a fresh collector that has room for all of them (the sender is not started; the events are
 * flushed after the iteration), timed as a whole and reported per event. Each thread records one
 * event before the burst, outside the timing, as a warm application thread would have.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 200)
@Measurement(iterations = 300)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class CollectorRoomBenchmark {
  static final int BURST = 2_048;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private RelayStub stub;
  private OkHttpRelayClient relay;
  private JsonCodec codec;
  DataCollector collector;
  CacheHitEvent hit;

  @Setup(Level.Trial)
  public void setUpTrial() {
    stub = RelayStub.start();
    codec = new JsonCodec(Map.of("provider", "java", "openfeature", true));
    URI endpoint = URI.create(stub.baseUrl());
    relay = new OkHttpRelayClient(endpoint, endpoint, null, Map.of(), TIMEOUT, codec);
    hit = new CacheHitEvent(BenchServedAnswer.userOne(), System.currentTimeMillis() / 1000);
  }

  @Setup(Level.Iteration)
  public void setUpIteration() {
    // Room for 4 threads' bursts: the cap is twice 8,192, the early flush never starts.
    collector = new DataCollector(relay, codec, 8_192, Duration.ofMinutes(2), TIMEOUT);
  }

  @TearDown(Level.Iteration)
  public void tearDownIteration() {
    collector.close(Duration.ofSeconds(2));
  }

  @TearDown(Level.Trial)
  public void tearDownTrial() {
    stub.close();
  }

  /** Each thread's first event of the iteration, recorded before the timed burst. */
  @State(Scope.Thread)
  public static class Warm {
    @Setup(Level.Iteration)
    public void recordOne(CollectorRoomBenchmark shared) {
      shared.collector.record(shared.hit);
    }
  }

  private void burst() {
    for (int i = 0; i < BURST; i++) {
      collector.record(hit);
    }
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BURST)
  public void record_1thread(Warm warm) {
    burst();
  }

  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(BURST)
  public void record_2threads(Warm warm) {
    burst();
  }

  @Benchmark
  @Threads(4)
  @OperationsPerInvocation(BURST)
  public void record_4threads(Warm warm) {
    burst();
  }
}
