package dev.flagrelay.internal.stats;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ProviderEvaluation;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Evaluations by outcome, and the cache's hits and misses as evaluations see them. Each
 * evaluation is counted exactly once: by its error code when it failed, else by where its answer
 * came from.
 *
 * <p>Design: the cached path pays one uncontended {@code LongAdder} increment ({@link #hit}),
 * no lock and no allocation (it is handed the error code, never the evaluation object); a hit's evaluation outcome is derived when read (hits, less the
 * hits that ended in an error, plus answers the cache gave after a miss).
 */
public final class EvaluationCounters {
  private static final ErrorCode[] CODES = ErrorCode.values();

  /** Where an answer came from. */
  public enum Source {
    /** A fresh cached answer found after a miss (another caller stored it meanwhile). */
    CACHE_AFTER_MISS,
    RELAY,
    IN_PROCESS,
    STALE
  }

  /** Evaluations whose first cache lookup found a fresh answer. */
  private final LongAdder hits = new LongAdder();
  private final LongAdder hitErrors = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder[] sources = new LongAdder[Source.values().length];
  private final LongAdder[] errors = new LongAdder[CODES.length];

  public EvaluationCounters() {
    for (int i = 0; i < sources.length; i++) {
      sources[i] = new LongAdder();
    }
    for (int i = 0; i < errors.length; i++) {
      errors[i] = new LongAdder();
    }
  }

  /**
   * A first lookup found a fresh answer; {@code errorCode} is the evaluation's, null when it
   * succeeded. Takes the code, not the evaluation: were this call not inlined (the SDK's call
   * chain is deep), an evaluation passed to it would escape and could no longer be
   * scalar-replaced by the JIT.
   */
  public void hit(ErrorCode errorCode) {
    hits.increment();
    if (errorCode != null) {
      hitErrors.increment();
      errors[errorCode.ordinal()].increment();
    }
  }

  /** A first lookup found no fresh answer. */
  public void miss() {
    misses.increment();
  }

  /** Counts {@code result} by its error code, or else by {@code source}; returns it. */
  public <T> ProviderEvaluation<T> answered(Source source, ProviderEvaluation<T> result) {
    ErrorCode code = result.getErrorCode();
    if (code != null) {
      errors[code.ordinal()].increment();
    } else {
      sources[source.ordinal()].increment();
    }
    return result;
  }

  /** Counts a failed evaluation; returns it. */
  public <T> ProviderEvaluation<T> failed(ProviderEvaluation<T> result) {
    return answered(Source.RELAY, result);
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  /** Evaluations answered from the cache without error: after a fresh lookup or after a miss. */
  public long fromCache() {
    return hits.sum() - hitErrors.sum() + sources[Source.CACHE_AFTER_MISS.ordinal()].sum();
  }

  public long count(Source source) {
    return sources[source.ordinal()].sum();
  }

  /** Failed evaluations by error code; codes never seen are left out. */
  public Map<ErrorCode, Long> errors() {
    Map<ErrorCode, Long> byCode = new EnumMap<>(ErrorCode.class);
    for (ErrorCode code : CODES) {
      long n = errors[code.ordinal()].sum();
      if (n > 0) {
        byCode.put(code, n);
      }
    }
    return byCode;
  }
}
