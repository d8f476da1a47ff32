package dev.flagrelay.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invalidation counters: bounded however many flags are seen, and never valid again once bumped. */
class GenerationsTest {
  private final Generations generations = new Generations();

  /** Issue 11: one counter per flag ever evaluated grew without bound. */
  @Test
  void aMillionDistinctFlags_holdABoundedNumberOfCounters() {
    for (int i = 0; i < 1_000_000; i++) {
      generations.stamp("flag-" + i);
    }

    assertThat(generations.counters()).isLessThanOrEqualTo(Generations.MAX_COUNTERS);
  }

  /**
   * Whatever bounds the counters must never forget a bump: an old stamp of a flag invalidated
   * long ago stays invalid however many other flags are stamped and bumped since.
   */
  @Test
  void stampOfAnInvalidatedFlag_neverValidAgainAfterManyOtherFlags() {
    Generations.Stamp old = generations.stamp("a");
    generations.bumpFlag("a");
    for (int i = 0; i < 200_000; i++) {
      generations.stamp("other-" + i);
      generations.bumpFlag("other-" + i);
    }

    assertThat(generations.isCurrent(old)).isFalse();
    assertThat(generations.isCurrent(generations.stamp("a"))).isTrue();
  }

  @Test
  void bumpingOneFlag_leavesMostOtherFlagsStampsCurrent() {
    List<Generations.Stamp> others = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      others.add(generations.stamp("other-" + i));
    }

    generations.bumpFlag("a");

    // Flags sharing a's counter are invalidated too (the safe direction); the rest are not.
    assertThat(others.stream().filter(generations::isCurrent).count()).isGreaterThan(990);
  }

  @Test
  void bumpAll_invalidatesEveryStamp() {
    Generations.Stamp a = generations.stamp("a");
    Generations.Stamp b = generations.stamp("b");

    generations.bumpAll();

    assertThat(generations.isCurrent(a)).isFalse();
    assertThat(generations.isCurrent(b)).isFalse();
  }
}
