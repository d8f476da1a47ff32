package dev.flagrelay.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void empty_allZero() {
    assertThat(new LatencyHistogram().summary()).isEqualTo(new LatencyHistogram.Summary(0, 0, 0, 0, 0));
  }

  @Test
  void everyBucketMiddle_withinOneSixteenthOfAnyValueInIt() {
    for (long nanos = 8 * 1024; nanos < 1L << 42; nanos += nanos / 97 + 1) {
      long middle = LatencyHistogram.middleNanos(LatencyHistogram.index(nanos >>> 10));
      assertThat((double) middle).as("%d ns", nanos).isCloseTo(nanos, within(nanos / 16.0 + 1024));
    }
  }

  @Test
  void indexes_growWithTheValue_andStayInRange() {
    int previous = -1;
    for (long units = 0; units < 1L << 40; units = units * 2 + 1) {
      int index = LatencyHistogram.index(units);
      assertThat(index).isGreaterThanOrEqualTo(previous).isLessThan(LatencyHistogram.BUCKETS);
      previous = index;
    }
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
  }

  @Test
  void quantiles_ofAKnownSpread() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 1; i <= 100; i++) {
      histogram.record(i * 1_000_000L); // 1 ms to 100 ms.
    }

    LatencyHistogram.Summary summary = histogram.summary();

    assertThat(summary.count()).isEqualTo(100);
    assertThat(summary.maxNanos()).isEqualTo(100_000_000L);
    assertThat(summary.meanNanos()).isEqualTo(50_500_000L);
    assertThat((double) summary.p50Nanos()).isCloseTo(50_000_000, within(50_000_000 / 16.0));
    assertThat((double) summary.p99Nanos()).isCloseTo(99_000_000, within(99_000_000 / 16.0));
    assertThat(summary.p99Nanos()).isLessThanOrEqualTo(summary.maxNanos());
  }

  @Test
  void oneValue_quantilesNeverAboveTheMax() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(40_000);

    LatencyHistogram.Summary summary = histogram.summary();

    assertThat(summary.p50Nanos()).isLessThanOrEqualTo(40_000).isCloseTo(40_000, within(40_000 / 8L));
    assertThat(summary.p99Nanos()).isEqualTo(summary.p50Nanos());
  }

  @Test
  void negativeLatency_countedAsZero() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(-5);

    assertThat(histogram.summary().count()).isEqualTo(1);
    assertThat(histogram.summary().maxNanos()).isZero();
  }
}
