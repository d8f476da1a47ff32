package dev.flagrelay.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ProviderEvaluation;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationCountersTest {
  @Test
  void eachEvaluationCountedOnce_byErrorCodeElseBySource() {
    EvaluationCounters counters = new EvaluationCounters();
    ProviderEvaluation<Boolean> ok = ProviderEvaluation.<Boolean>builder().value(true).build();
    ProviderEvaluation<Boolean> mismatch =
        ProviderEvaluation.<Boolean>builder().value(false).errorCode(ErrorCode.TYPE_MISMATCH).build();

    counters.hit(null);
    counters.hit(ErrorCode.TYPE_MISMATCH);
    counters.miss();
    counters.answered(EvaluationCounters.Source.CACHE_AFTER_MISS, ok);
    counters.answered(EvaluationCounters.Source.RELAY, ok);
    counters.answered(EvaluationCounters.Source.STALE, mismatch);

    assertThat(counters.hits()).isEqualTo(2);
    assertThat(counters.misses()).isEqualTo(1);
    assertThat(counters.fromCache()).isEqualTo(2);
    assertThat(counters.count(EvaluationCounters.Source.RELAY)).isEqualTo(1);
    assertThat(counters.count(EvaluationCounters.Source.STALE)).isZero();
    assertThat(counters.errors()).isEqualTo(Map.of(ErrorCode.TYPE_MISMATCH, 2L));
  }

  /** The cached path's counting allocates nothing (once warm). */
  @Test
  void hit_allocatesNothing() {
    EvaluationCounters counters = new EvaluationCounters();
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < 100_000; i++) {
      counters.hit(null); // Warm-up: compiled, and the measurement call itself is warm.
    }
    threads.getThreadAllocatedBytes(id);

    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 1_000_000; i++) {
      counters.hit(null);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;

    assertThat(counters.hits()).isEqualTo(1_100_000);
    assertThat(allocated).as("bytes for 1,000,000 hits").isLessThan(1_000); // The reading itself.
  }
}
