package dev.flagrelay.internal.cache;

import dev.flagrelay.internal.relay.RelayAnswer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance of each distinct relay answer the cache holds. A flag has a handful of variants
 * but is cached for every context that asks for it; the relay's answers are immutable and equal
 * answers are interchangeable, so cached entries share one instead of each keeping its own (its
 * strings, metadata map and SDK metadata were most of an entry's bytes).
 *
 * <p>Bounded: past {@value #MAX_ANSWERS} distinct answers (a relay whose metadata differs with
 * every evaluation, say), new ones are stored as they came, unshared. Nothing is ever removed:
 * at most that many old answers stay reachable after their flags changed.
 */
final class SharedAnswers {
  static final int MAX_ANSWERS = 4096;

  private final ConcurrentHashMap<RelayAnswer, RelayAnswer> shared = new ConcurrentHashMap<>();

  /** The shared instance equal to {@code answer}, or {@code answer} itself. */
  RelayAnswer intern(RelayAnswer answer) {
    RelayAnswer existing = shared.get(answer);
    if (existing != null) {
      return existing;
    }
    if (shared.size() >= MAX_ANSWERS) {
      return answer;
    }
    existing = shared.putIfAbsent(answer, answer);
    return existing != null ? existing : answer;
  }

  /** Distinct answers held; for tests. */
  int size() {
    return shared.size();
  }
}
