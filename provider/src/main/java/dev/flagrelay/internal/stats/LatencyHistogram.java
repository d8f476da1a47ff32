package dev.flagrelay.internal.stats;

import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Relay-call latencies in fixed logarithmic buckets, one {@link LongAdder} each.
 *
 * <p>Design: a latency is counted in units of 1,024 ns (about a microsecond). Below 8 units each
 * unit has its own bucket; above, each power of two is split into 8 buckets of equal width, so a
 * bucket spans at most 1/8 of its lower bound and a quantile read at a bucket's middle is within
 * about 6% of the true value. Past 2^32 units (about 73 minutes, far beyond any timeout) every
 * latency lands in the last bucket; the maximum is kept exactly. Recording is two adds and one
 * accumulate: no lock, no allocation after the first contention (a {@code LongAdder} creates its
 * cells once). The reading sums each adder once; under concurrent recording it may include a
 * latency in the buckets and not yet in the count (a snapshot, not a transaction).
 *
 * <p>Chosen over HdrHistogram: its {@code ConcurrentHistogram} records through a writer-reader
 * phaser and needs a dependency in every application using the provider, for a precision (3
 * significant digits) a latency summary of network calls has no use for.
 */
public final class LatencyHistogram {
  private static final int UNIT_SHIFT = 10;
  private static final int SUB_BITS = 3;
  private static final int SUB_BUCKETS = 1 << SUB_BITS;
  /** Highest power of two (in units) with buckets of its own. */
  private static final int MAX_EXPONENT = 32;
  static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 2) * SUB_BUCKETS;

  private final LongAdder[] buckets = new LongAdder[BUCKETS];
  private final LongAdder count = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();
  private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);

  public LatencyHistogram() {
    for (int i = 0; i < BUCKETS; i++) {
      buckets[i] = new LongAdder();
    }
  }

  /** Counts one latency; a negative one (a clock that went back) counts as zero. */
  public void record(long nanos) {
    long latency = Math.max(0, nanos);
    buckets[index(latency >>> UNIT_SHIFT)].increment();
    count.increment();
    totalNanos.add(latency);
    maxNanos.accumulate(latency);
  }

  static int index(long units) {
    if (units < SUB_BUCKETS) {
      return (int) units;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(units);
    if (exponent > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (units >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
    return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
  }

  /** The middle of bucket {@code index}, in nanoseconds. */
  static long middleNanos(int index) {
    if (index < SUB_BUCKETS) {
      return ((long) index << UNIT_SHIFT) + (1L << (UNIT_SHIFT - 1));
    }
    int exponent = index / SUB_BUCKETS + SUB_BITS - 1;
    long width = 1L << (exponent - SUB_BITS);
    long lower = (SUB_BUCKETS + index % SUB_BUCKETS) * width;
    return (lower << UNIT_SHIFT) + (width << UNIT_SHIFT) / 2;
  }

  /** What was recorded so far. */
  public Summary summary() {
    long[] counts = new long[BUCKETS];
    long bucketed = 0;
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] = buckets[i].sum();
      bucketed += counts[i];
    }
    long n = count.sum();
    long max = maxNanos.get();
    long mean = n == 0 ? 0 : totalNanos.sum() / n;
    return new Summary(n, mean, max, quantile(counts, bucketed, 0.50, max), quantile(counts, bucketed, 0.99, max));
  }

  private static long quantile(long[] counts, long total, double q, long max) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(middleNanos(i), max);
      }
    }
    return max;
  }

  /** Count, mean, max and two quantiles, in nanoseconds; all zero before the first latency. */
  public record Summary(long count, long meanNanos, long maxNanos, long p50Nanos, long p99Nanos) {}
}
