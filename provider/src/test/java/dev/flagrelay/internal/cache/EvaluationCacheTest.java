package dev.flagrelay.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.internal.context.ContextProbe;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.testing.Answers;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** TTL, stale grace and invalidation against a fake ticker (GOFF-CACHE-002/004/006). */
class EvaluationCacheTest {
  private static final Duration TTL = Duration.ofSeconds(60);
  private static final Duration GRACE = Duration.ofMinutes(5);
  private static final RelayAnswer ANSWER = Answers.cacheable(true, "on");

  private final AtomicLong ticker = new AtomicLong(42_000_000_000L);

  private EvaluationCache cache(Duration ttl) {
    return new EvaluationCache(100, ttl, GRACE, ticker::get);
  }

  private void advance(Duration duration) {
    ticker.addAndGet(duration.toNanos());
  }

  private static CacheKey key(String flag, String user) {
    return new CacheKey(flag, ContextSnapshot.ofAttributes(Map.of("targetingKey", user)));
  }

  private static void store(EvaluationCache cache, CacheKey key, RelayAnswer answer) {
    cache.put(key, answer, cache.stamp(key.flagKey()));
  }

  @Test
  void ttlAndGraceBeyondWhatNanosecondsHold_meanForever() {
    Duration centuries = Duration.ofDays(365L * 1_000);
    EvaluationCache cache = new EvaluationCache(100, centuries, centuries, ticker::get);
    CacheKey key = key("flag", "user-1");
    store(cache, key, ANSWER);
    ticker.addAndGet(Long.MAX_VALUE / 2);

    assertThat(cache.get(key)).isNotNull();
    assertThat(cache.get(key).fresh()).isTrue();
  }

  @Test
  void get_unknownKey_null() {
    assertThat(cache(TTL).get(key("f", "u1"))).isNull();
  }

  @Test
  void get_withinTtl_fresh() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "u1"), ANSWER);
    advance(TTL.minusMillis(1));

    EvaluationCache.Lookup lookup = cache.get(key("f", "u1"));

    assertThat(lookup.fresh()).isTrue();
    assertThat(lookup.answer()).isSameAs(ANSWER);
  }

  @Test
  void get_pastTtlWithinGrace_returnedNotFresh() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "u1"), ANSWER);
    advance(TTL.plusSeconds(1));

    EvaluationCache.Lookup lookup = cache.get(key("f", "u1"));

    assertThat(lookup).isNotNull();
    assertThat(lookup.fresh()).isFalse();
    assertThat(lookup.answer()).isSameAs(ANSWER);
  }

  @Test
  void get_exactlyAtTtl_notFresh() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "u1"), ANSWER);
    advance(TTL);

    assertThat(cache.get(key("f", "u1")).fresh()).isFalse();
  }

  @Test
  void get_pastTtlAndGrace_gone() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "u1"), ANSWER);
    advance(TTL.plus(GRACE).plusSeconds(1));

    assertThat(cache.get(key("f", "u1"))).isNull();
  }

  @Test
  void zeroGrace_pastTtl_gone() {
    EvaluationCache cache = new EvaluationCache(100, TTL, Duration.ZERO, ticker::get);
    store(cache, key("f", "u1"), ANSWER);
    advance(TTL.plusMillis(1));

    assertThat(cache.get(key("f", "u1"))).isNull();
  }

  @Test
  void neverExpires_freshLongAfter() {
    EvaluationCache cache = cache(Duration.ofMillis(-1));
    store(cache, key("f", "u1"), ANSWER);
    advance(Duration.ofDays(365));

    assertThat(cache.get(key("f", "u1")).fresh()).isTrue();
  }

  @Test
  void differentContexts_separateEntries() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "Aa"), Answers.cacheable("for-Aa", "a"));
    store(cache, key("f", "BB"), Answers.cacheable("for-BB", "b"));

    assertThat(cache.get(key("f", "Aa")).answer().value()).isEqualTo("for-Aa");
    assertThat(cache.get(key("f", "BB")).answer().value()).isEqualTo("for-BB");
  }

  @Test
  void invalidateFlags_removesOnlyThoseFlags() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("a", "u1"), ANSWER);
    store(cache, key("a", "u2"), ANSWER);
    store(cache, key("b", "u1"), ANSWER);
    store(cache, key("c", "u1"), ANSWER);

    cache.invalidateFlags(List.of("a", "c"));

    assertThat(cache.get(key("a", "u1"))).isNull();
    assertThat(cache.get(key("a", "u2"))).isNull();
    assertThat(cache.get(key("c", "u1"))).isNull();
    assertThat(cache.get(key("b", "u1"))).isNotNull();
    assertThat(cache.estimatedSize()).isEqualTo(1);
  }

  @Test
  void invalidateFlags_laterAnswersCachedAgain() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("a", "u1"), ANSWER);
    cache.invalidateFlags(List.of("a"));

    store(cache, key("a", "u1"), ANSWER);

    assertThat(cache.get(key("a", "u1"))).isNotNull();
  }

  @Test
  void invalidateAll_removesEverything() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("a", "u1"), ANSWER);
    store(cache, key("b", "u1"), ANSWER);

    cache.invalidateAll();

    assertThat(cache.get(key("a", "u1"))).isNull();
    assertThat(cache.get(key("b", "u1"))).isNull();
    assertThat(cache.estimatedSize()).isZero();
  }

  @Test
  void put_withStampTakenBeforeAFlagInvalidation_notStored() {
    EvaluationCache cache = cache(TTL);
    Generations.Stamp stamp = cache.stamp("a");
    cache.invalidateFlags(List.of("a"));

    cache.put(key("a", "u1"), ANSWER, stamp);

    assertThat(cache.get(key("a", "u1"))).isNull();
  }

  @Test
  void put_withStampTakenBeforeAnotherFlagsInvalidation_stored() {
    EvaluationCache cache = cache(TTL);
    Generations.Stamp stamp = cache.stamp("a");
    cache.invalidateFlags(List.of("b"));

    cache.put(key("a", "u1"), ANSWER, stamp);

    assertThat(cache.get(key("a", "u1"))).isNotNull();
  }

  @Test
  void put_withStampTakenBeforeInvalidateAll_notStored() {
    EvaluationCache cache = cache(TTL);
    Generations.Stamp stamp = cache.stamp("a");
    cache.invalidateAll();

    cache.put(key("a", "u1"), ANSWER, stamp);

    assertThat(cache.get(key("a", "u1"))).isNull();
  }

  @Test
  void maximumSize_bounded() {
    EvaluationCache cache = new EvaluationCache(10, TTL, GRACE, ticker::get);
    for (int i = 0; i < 200; i++) {
      store(cache, key("f", "user-" + i), ANSWER);
    }

    assertThat(cache.estimatedSize()).isLessThanOrEqualTo(10);
  }

  /**
   * Issue 11: a write that passed its stamp check, then lost the processor while the flag was
   * invalidated and a newer answer stored, must not replace that newer answer. The ticker read
   * between the check and the store is where the newer write is made to happen.
   */
  @Test
  void put_olderWriteLandingAfterANewerOne_keepsTheNewer() {
    RelayAnswer older = Answers.cacheable("old", "o");
    RelayAnswer newer = Answers.cacheable("new", "n");
    CacheKey key = key("f", "u1");
    AtomicLong clock = new AtomicLong();
    EvaluationCache[] cache = new EvaluationCache[1];
    boolean[] interleaved = {false};
    cache[0] =
        new EvaluationCache(
            100,
            TTL,
            GRACE,
            () -> {
              if (!interleaved[0]) {
                interleaved[0] = true; // Between the older write's check and its store:
                cache[0].invalidateFlags(List.of("f"));
                cache[0].put(key, newer, cache[0].stamp("f"));
              }
              return clock.get();
            });
    Generations.Stamp olderStamp = cache[0].stamp("f");

    cache[0].put(key, older, olderStamp);

    assertThat(interleaved[0]).isTrue();
    assertThat(cache[0].get(key)).isNotNull().extracting(EvaluationCache.Lookup::answer).isSameAs(newer);
  }

  @Test
  void put_sameGenerationTwice_laterWriteWins() {
    EvaluationCache cache = cache(TTL);
    Generations.Stamp stamp = cache.stamp("f");
    RelayAnswer later = Answers.cacheable("later", "l");

    cache.put(key("f", "u1"), ANSWER, stamp);
    cache.put(key("f", "u1"), later, stamp);

    assertThat(cache.get(key("f", "u1")).answer()).isSameAs(later);
  }

  @Test
  void equalAnswersForDifferentContexts_storedAsOneSharedInstance_distinctAnswersKeptApart() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "u1"), Answers.cacheable(true, "on"));
    store(cache, key("f", "u2"), Answers.cacheable(true, "on"));
    store(cache, key("g", "u1"), Answers.cacheable(false, "off"));

    RelayAnswer first = cache.get(key("f", "u1")).answer();

    assertThat(cache.get(key("f", "u2")).answer()).isSameAs(first);
    assertThat(cache.get(key("g", "u1")).answer()).isNotSameAs(first).isEqualTo(Answers.cacheable(false, "off"));
    assertThat(cache.get(key("g", "u1")).answer().value()).isEqualTo(false);
  }

  @Test
  void sharedAnswers_boundedPastTheLimit_laterAnswersStoredUnsharedAndStillServed() {
    EvaluationCache cache = new EvaluationCache(SharedAnswers.MAX_ANSWERS * 2, TTL, GRACE, ticker::get);
    for (int i = 0; i <= SharedAnswers.MAX_ANSWERS + 10; i++) {
      store(cache, key("f", "u" + i), Answers.cacheable("v" + i, "on"));
    }

    assertThat(cache.sharedAnswers()).isEqualTo(SharedAnswers.MAX_ANSWERS);
    String last = "v" + (SharedAnswers.MAX_ANSWERS + 10);
    assertThat(cache.get(key("f", "u" + (SharedAnswers.MAX_ANSWERS + 10))).answer().value())
        .isEqualTo(last);
  }

  @Test
  void hitOnAnAnswerWithAValue_servedIsTheCachedAnswerForItsOwnContext() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "u1"), Answers.cacheable(true, "on"));

    EvaluationCache.Lookup lookup = cache.get(key("f", "u1"));

    assertThat(lookup.served().flagKey()).isEqualTo("f");
    assertThat(lookup.served().context()).isEqualTo(key("f", "u1").context());
    assertThat(lookup.served().event(7L).userKey()).isEqualTo("u1");
    assertThat(lookup.served().event(7L).creationDate()).isEqualTo(7L);
  }

  // Lookups of an SDK context read in place (issue 16): the same entries as its snapshot finds.

  private static ContextProbe probe(String user) {
    return ContextProbe.of(new ImmutableContext(user));
  }

  @Test
  void probeLookup_findsTheEntryStoredUnderASnapshotOfTheSameContext() {
    EvaluationCache cache = cache(TTL);
    CacheKey stored = key("f", "u1");
    store(cache, stored, ANSWER);

    EvaluationCache.Lookup lookup = cache.get("f", probe("u1"));

    assertThat(lookup).isNotNull();
    assertThat(lookup.fresh()).isTrue();
    assertThat(lookup.answer()).isEqualTo(ANSWER);
    assertThat(lookup.key()).isSameAs(cache.get(stored).key()).isEqualTo(stored);
  }

  @Test
  void probeLookup_otherContextWithTheSameHashCodeOrOtherFlag_notFound() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "Aa"), ANSWER);

    assertThat(probe("BB").hashCode()).isEqualTo(probe("Aa").hashCode());
    assertThat(cache.get("f", probe("BB"))).isNull();
    assertThat(cache.get("g", probe("Aa"))).isNull();
  }

  @Test
  void probeKeyAndCacheKeyOfTheSameContext_equalBothWaysWithEqualHashCodes() {
    ProbeKey probe = new ProbeKey("f", probe("u1"));
    CacheKey key = key("f", "u1");

    assertThat(probe.equals(key)).isTrue();
    assertThat(key.equals(probe)).isTrue();
    assertThat(probe.hashCode()).isEqualTo(key.hashCode());
    assertThat(key.equals(new ProbeKey("f", probe("u2")))).isFalse();
  }

  @Test
  void probeLookup_pastTheTtl_staleThenGone() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "u1"), ANSWER);

    advance(TTL);
    assertThat(cache.get("f", probe("u1")).fresh()).isFalse();
    advance(GRACE);
    assertThat(cache.get("f", probe("u1"))).isNull();
    assertThat(cache.estimatedSize()).isZero();
  }

  @Test
  void probeLookup_afterTheFlagIsInvalidated_null() {
    EvaluationCache cache = cache(TTL);
    store(cache, key("f", "u1"), ANSWER);

    cache.invalidateFlags(List.of("f"));

    assertThat(cache.get("f", probe("u1"))).isNull();
  }

  /**
   * An entry whose write passed its stamp check just before the flag was invalidated is in the
   * map with a stamp that is no longer current: a lookup in place checks the stamp too.
   */
  @Test
  void probeLookup_entryStoredJustAsItsFlagWasInvalidated_notServed() {
    EvaluationCache[] cache = new EvaluationCache[1];
    boolean[] interleaved = {false};
    cache[0] =
        new EvaluationCache(
            100,
            TTL,
            GRACE,
            () -> {
              if (!interleaved[0]) {
                interleaved[0] = true; // Between the write's check and its store.
                cache[0].invalidateFlags(List.of("f"));
              }
              return ticker.get();
            });
    store(cache[0], key("f", "u1"), ANSWER);

    assertThat(interleaved[0]).isTrue();
    assertThat(cache[0].get("f", probe("u1"))).isNull();
  }
}
