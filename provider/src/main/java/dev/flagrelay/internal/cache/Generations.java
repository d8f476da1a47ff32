package dev.flagrelay.internal.cache;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Invalidation counters: one for the whole cache, one per flag. A {@link Stamp} taken before a
 * relay call tells afterwards whether an invalidation happened meanwhile, so an answer that was in
 * flight during an invalidation is never stored or served.
 *
 * <p>Invalidators bump a counter <em>before</em> removing entries; readers check the stamp an
 * entry carries against the counters on every hit. Either the reader sees the bump, or the entry
 * was written before it and the removal that follows the bump takes it away.
 */
final class Generations {
  private final AtomicLong global = new AtomicLong();
  private final ConcurrentHashMap<String, AtomicLong> perFlag = new ConcurrentHashMap<>();

  Stamp stamp(String flagKey) {
    // Read the global counter first: an invalidateAll between the two reads makes the stamp stale.
    long globalValue = global.get();
    AtomicLong flagCounter = perFlag.computeIfAbsent(flagKey, key -> new AtomicLong());
    return new Stamp(flagCounter, flagCounter.get(), globalValue);
  }

  boolean isCurrent(Stamp stamp) {
    return stamp.flagCounter().get() == stamp.flagValue() && global.get() == stamp.globalValue();
  }

  void bumpFlag(String flagKey) {
    perFlag.computeIfAbsent(flagKey, key -> new AtomicLong()).incrementAndGet();
  }

  void bumpAll() {
    global.incrementAndGet();
  }

  /** The counters' values when a relay call started. */
  record Stamp(AtomicLong flagCounter, long flagValue, long globalValue) {}
}
