package dev.flagrelay.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.flagrelay.internal.context.ContextProbe;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.ServedAnswer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The local cache of relay answers, keyed by flag and whole context.
 *
 * <p>Design: entries are immutable ({@link Entry}) and carry the {@link Generations.Stamp} of the
 * relay call that produced them; a hit is only served while that stamp is current, so no
 * invalidation can be undone by a call that was in flight when it happened, and a write never
 * replaces an entry of a later generation. Freshness is checked
 * against an injectable clock: an entry past its TTL is still returned, marked not fresh, until
 * the stale grace period ends too, so the caller can serve it when the relay cannot be reached;
 * after that it is removed when next looked up. Caffeine bounds the size (W-TinyLFU eviction, not
 * plain LRU).
 *
 * <p>Counts, for the provider's statistics: entries evicted for size, flags invalidated (in total
 * and per flag for the first {@link #MAX_COUNTED_FLAGS} flags named), and whole-cache
 * invalidations; all on the invalidating or writing thread, never on a hit.
 */
public final class EvaluationCache {
  /** Most flags whose invalidations are counted one by one; later ones count in the total only. */
  public static final int MAX_COUNTED_FLAGS = 1000;

  private final Cache<CacheKey, Entry> entries;
  private final LongAdder evictions = new LongAdder();
  private final LongAdder flagInvalidations = new LongAdder();
  private final LongAdder wholeInvalidations = new LongAdder();
  /** Invalidations by flag key; bounded by {@link #MAX_COUNTED_FLAGS}. */
  private final ConcurrentHashMap<String, LongAdder> invalidationsByFlag = new ConcurrentHashMap<>();
  private final Generations generations = new Generations();
  private final SharedAnswers answers = new SharedAnswers();
  private final LongSupplier nanoTime;
  private final long ttlNanos;
  /** How long an entry is kept at all: TTL plus the stale grace period. */
  private final long keepNanos;

  /**
   * @param ttl how long an entry is fresh; negative for never
   * @param staleGracePeriod how long past the TTL an entry is kept for outages
   */
  public EvaluationCache(int maximumSize, Duration ttl, Duration staleGracePeriod, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.ttlNanos = ttl.isNegative() ? Long.MAX_VALUE : saturatedNanos(ttl);
    this.keepNanos = ttl.isNegative() ? Long.MAX_VALUE : saturatedAdd(ttlNanos, saturatedNanos(staleGracePeriod));
    // Size-bounded only: expiry is checked here, with one clock read per hit. Caffeine's own
    // expireAfterWrite reads the clock again on every hit and tripled the cost of a lookup.
    this.entries = Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .executor(Runnable::run)
            .evictionListener((CacheKey key, Entry entry, RemovalCause cause) -> evictions.increment())
            .build();
  }

  /** {@code d} in nanoseconds, or {@code Long.MAX_VALUE} beyond it (about 292 years). */
  private static long saturatedNanos(Duration d) {
    return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** The current entry for {@code key}, fresh or stale, or null. */
  public Lookup get(CacheKey key) {
    return lookUp(key);
  }

  /**
   * The current entry for {@code flagKey} and the context {@code context} reads in place, fresh
   * or stale, or null: the same entry {@link #get(CacheKey)} finds for a snapshot of that context.
   */
  public Lookup get(String flagKey, ContextProbe context) {
    return lookUp(new ProbeKey(flagKey, context));
  }

  /** @param key a {@link CacheKey} or a {@link ProbeKey}, which are equal for the same context */
  private Lookup lookUp(Object key) {
    Entry entry = entries.asMap().get(key);
    if (entry == null) {
      return null;
    }
    if (!generations.isCurrent(entry.stamp())) {
      entries.asMap().remove(key, entry); // Stored just as it was invalidated: never served.
      return null;
    }
    long now = nanoTime.getAsLong();
    long age = now - entry.writtenAtNanos();
    if (age >= keepNanos) {
      entries.asMap().remove(key, entry); // Past TTL and grace: never served again.
      return null;
    }
    return new Lookup(entry.key(), entry.answer(), age < ttlNanos, entry.answer().value() != null ? entry : null, now);
  }

  /** Takes the stamp a relay call for {@code flagKey} must carry to be stored. */
  Generations.Stamp stamp(String flagKey) {
    return generations.stamp(flagKey);
  }

  /** Whether no invalidation happened since {@code stamp} was taken. */
  boolean isCurrent(Generations.Stamp stamp) {
    return generations.isCurrent(stamp);
  }

  /**
   * Stores {@code answer} unless an invalidation happened since {@code stamp} was taken, and
   * never over an entry from a later generation: a write that passed its check and was then
   * delayed while the flag was invalidated and answered again must not replace the newer answer.
   */
  void put(CacheKey key, RelayAnswer answer, Generations.Stamp stamp) {
    if (!generations.isCurrent(stamp)) {
      return;
    }
    Entry entry = new Entry(key, answers.intern(answer), nanoTime.getAsLong(), stamp);
    entries.asMap().compute(key, (k, existing) -> existing != null && existing.stamp().isAfter(stamp) ? existing : entry);
  }

  /** Drops every entry of the given flags, and any answer for them now in flight. */
  public void invalidateFlags(Collection<String> flagKeys) {
    Set<String> flags = new HashSet<>(flagKeys);
    for (String flag : flags) {
      generations.bumpFlag(flag);
      countInvalidation(flag);
    }
    entries.asMap().keySet().removeIf(key -> flags.contains(key.flagKey()));
  }

  /** Drops every entry, and every answer now in flight. */
  public void invalidateAll() {
    wholeInvalidations.increment();
    generations.bumpAll();
    entries.invalidateAll();
  }

  /** Distinct answers shared between entries; for tests. */
  int sharedAnswers() {
    return answers.size();
  }

  private void countInvalidation(String flag) {
    flagInvalidations.increment();
    LongAdder perFlag = invalidationsByFlag.get(flag);
    if (perFlag == null && invalidationsByFlag.size() < MAX_COUNTED_FLAGS) {
      perFlag = invalidationsByFlag.computeIfAbsent(flag, k -> new LongAdder());
    }
    if (perFlag != null) {
      perFlag.increment();
    }
  }

  /** Entries removed to keep the size bound. */
  public long evictions() {
    return evictions.sum();
  }

  /** Flags invalidated one by one, in total (a flag named twice counts twice). */
  public long flagInvalidations() {
    return flagInvalidations.sum();
  }

  /** Times the whole cache was dropped. */
  public long wholeInvalidations() {
    return wholeInvalidations.sum();
  }

  /** Invalidations by flag key, sorted by key; at most {@link #MAX_COUNTED_FLAGS} keys. */
  public Map<String, Long> invalidationsByFlag() {
    Map<String, Long> copy = new TreeMap<>();
    invalidationsByFlag.forEach((flag, count) -> copy.put(flag, count.sum()));
    return copy;
  }

  /** Entries held, including those no longer current; for tests and diagnostics. */
  public long estimatedSize() {
    return entries.estimatedSize();
  }

  /**
   * A cached answer and whether it is still within its TTL.
   *
   * @param key the entry's own key: its context equals the one looked up
   * @param served the cached answer, for the collector event of a successful hit on it; null
   *     when the answer has no value
   * @param nanoTime the clock reading the freshness was judged by
   */
  public record Lookup(CacheKey key, RelayAnswer answer, boolean fresh, ServedAnswer served, long nanoTime) {}

  /**
   * One cached answer. Its key is the cache's own and its answer is shared, so an entry is one
   * small object besides its stamp: these are kept by the tens of thousands.
   */
  private record Entry(CacheKey key, RelayAnswer answer, long writtenAtNanos, Generations.Stamp stamp)
      implements ServedAnswer {
    @Override
    public String flagKey() {
      return key.flagKey();
    }

    @Override
    public ContextSnapshot context() {
      return key.context();
    }
  }
}
