package dev.flagrelay.internal.cache;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Invalidation counters: one for the whole cache, and a fixed table of per-flag counters. A {@link
 * Stamp} taken before a relay call tells afterwards whether an invalidation happened meanwhile,
 * so an answer that was in flight during an invalidation is never stored or served.
 *
 * <p>Invalidators bump a counter <em>before</em> removing entries; readers check the stamp an
 * entry carries against the counters on every hit. Either the reader sees the bump, or the entry
 * was written before it and the removal that follows the bump takes it away.
 *
 * <p>Bounded by construction: a flag's counter is slot {@code hash(flagKey) % MAX_COUNTERS} of a
 * fixed array, so any number of flags costs the same {@value #MAX_COUNTERS} counters (32 KiB).
 * Flags sharing a slot share a counter: invalidating one also invalidates the others' entries
 * and in-flight answers, which costs them one extra relay call and is never wrong. What this
 * design rules out is the failure of bounding a map of counters by eviction: a counter that is
 * evicted and re-created starts again from zero, and a stamp taken before the eviction (say, of
 * an answer in flight when its flag changed) would compare equal to it and become valid again.
 * Here no counter is ever removed or reset: every counter only grows, so a stamp that is not
 * current never becomes current again.
 */
final class Generations {
  /** Per-flag counters; a power of two. */
  static final int MAX_COUNTERS = 4096;

  private final AtomicLong global = new AtomicLong();
  private final AtomicLongArray perFlag = new AtomicLongArray(MAX_COUNTERS);

  Stamp stamp(String flagKey) {
    // Read the global counter first: an invalidateAll between the two reads makes the stamp stale.
    long globalValue = global.get();
    int slot = slot(flagKey);
    return new Stamp(slot, perFlag.get(slot), globalValue);
  }

  boolean isCurrent(Stamp stamp) {
    return perFlag.get(stamp.slot()) == stamp.flagValue() && global.get() == stamp.globalValue();
  }

  void bumpFlag(String flagKey) {
    perFlag.incrementAndGet(slot(flagKey));
  }

  void bumpAll() {
    global.incrementAndGet();
  }

  /** Per-flag counters held, whatever the number of flags; for tests. */
  int counters() {
    return perFlag.length();
  }

  private static int slot(String flagKey) {
    int hash = flagKey.hashCode();
    return (hash ^ (hash >>> 16)) & (MAX_COUNTERS - 1);
  }

  /** The counters' values when a relay call started. */
  record Stamp(int slot, long flagValue, long globalValue) {
    /**
     * Whether this stamp was taken after {@code other}, a stamp of the same flag: both counters
     * only grow, so a later stamp is at least as large in each and larger in one. Stamps taken
     * across concurrent bumps may be incomparable (neither is then current).
     */
    boolean isAfter(Stamp other) {
      return globalValue >= other.globalValue
          && flagValue >= other.flagValue
          && (globalValue > other.globalValue || flagValue > other.flagValue);
    }
  }
}
