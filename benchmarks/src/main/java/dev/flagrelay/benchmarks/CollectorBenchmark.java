package dev.flagrelay.benchmarks;

import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.internal.events.DataCollector;
import dev.flagrelay.internal.http.OkHttpRelayClient;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.CacheHitEvent;
import dev.flagrelay.internal.relay.CollectorEvent;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * The data collector's cost per event, apart from any evaluation. {@code record_*} is what an
 * evaluating thread pays to hand one cache-hit event to the collector (default options: 10,000
 * pending events, a flush every 2 minutes or as soon as 10,000 are pending), while the real sender
 * encodes and ships them to the loopback stub on its own thread. {@code encodeAndShip} is the
 * sender's share: one batch of {@value #BATCH} cache-hit events encoded and posted to the stub,
 * reported per event.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class CollectorBenchmark {
  private static final int BATCH = 10_000;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private RelayStub stub;
  private OkHttpRelayClient relay;
  private JsonCodec codec;
  private DataCollector collector;
  private CacheHitEvent hit;
  private List<CollectorEvent> batch;
  private Envelope envelope;

  @Setup(Level.Trial)
  public void setUp() {
    stub = RelayStub.start();
    codec = new JsonCodec(Map.of("provider", "java", "openfeature", true));
    URI endpoint = URI.create(stub.baseUrl());
    relay = new OkHttpRelayClient(endpoint, endpoint, null, Map.of(), TIMEOUT, codec);
    collector = new DataCollector(relay, codec, 10_000, Duration.ofMinutes(2), TIMEOUT);
    collector.start();
    hit = new CacheHitEvent(BenchServedAnswer.userOne(), System.currentTimeMillis() / 1000);
    batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      batch.add(hit);
    }
    envelope = new Envelope();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    collector.close(Duration.ofSeconds(2));
    System.out.printf(
        "%nsent=%d dropped=%d %s%n", collector.sentEvents(), collector.droppedEvents(), stub.summary());
    stub.close();
  }

  @Benchmark
  @Threads(1)
  public void record_1thread() {
    collector.record(hit);
  }

  @Benchmark
  @Threads(2)
  public void record_2threads() {
    collector.record(hit);
  }

  @Benchmark
  @Threads(4)
  public void record_4threads() {
    collector.record(hit);
  }

  /** The sender's work for one batch (encode, post, read the answer), per event. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int encodeAndShip() throws Exception {
    envelope.reset();
    codec.writeCollectorEnvelope(batch, envelope);
    relay.sendEvents(envelope.array(), envelope.size(), TIMEOUT);
    return envelope.size();
  }

  /** The sender's reusable buffer: its array is posted without a copy. */
  private static final class Envelope extends ByteArrayOutputStream {
    Envelope() {
      super(BATCH * 200);
    }

    byte[] array() {
      return buf;
    }
  }
}
