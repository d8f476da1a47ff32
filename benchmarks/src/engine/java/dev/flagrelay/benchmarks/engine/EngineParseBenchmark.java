package dev.flagrelay.benchmarks.engine;

import dev.flagrelay.engine.FlagConfiguration;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing and compiling a 1,000-flag configuration body (bytes, as it comes off the wire): every
 * flag of the five shapes in {@link EngineFlags#manyFlags}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EngineParseBenchmark {

  /** The body, built once. */
  @State(Scope.Benchmark)
  public static class Body {
    byte[] thousandFlags;

    @Setup(Level.Trial)
    public void setUp() {
      thousandFlags = EngineFlags.manyFlags(1_000).getBytes(StandardCharsets.UTF_8);
      FlagConfiguration parsed = FlagConfiguration.parse(thousandFlags);
      if (parsed.evaluableFlags().size() != 1_000) {
        throw new IllegalStateException("not every flag compiled: " + parsed.unsupportedFlags());
      }
    }
  }

  @Benchmark
  public FlagConfiguration parse1000Flags(Body body) {
    return FlagConfiguration.parse(body.thousandFlags);
  }
}
