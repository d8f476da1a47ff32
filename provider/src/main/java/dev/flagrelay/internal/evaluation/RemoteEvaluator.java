package dev.flagrelay.internal.evaluation;

import dev.flagrelay.internal.cache.CacheKey;
import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.cache.SingleFlight;
import dev.flagrelay.internal.context.ContextProbe;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.context.ContextTooDeepException;
import dev.flagrelay.internal.context.RecentContexts;
import dev.flagrelay.internal.relay.CacheHitEvent;
import dev.flagrelay.internal.relay.FeatureEvent;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.stats.EvaluationCounters;
import dev.flagrelay.internal.stats.EvaluationCounters.Source;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import java.time.Clock;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers one evaluation: from the cache when it holds a fresh answer, else from the relay (one
 * call per key however many threads miss at once), else from a stale cached answer when the relay
 * cannot be reached. Every call builds a new {@link ProviderEvaluation}; nothing handed out is
 * shared. Never throws for relay trouble: failures become an error code and the caller's default.
 */
public final class RemoteEvaluator implements Evaluator {
  /** Reason of an answer served from the cache. */
  public static final String REASON_CACHED = Reason.CACHED.name();
  /** Reason of an answer served past its TTL because the relay could not be reached. */
  public static final String REASON_STALE = "STALE";
  /** Variant reported when the caller's default was returned. */
  public static final String SDK_DEFAULT_VARIANT = FeatureEvent.SDK_DEFAULT_VARIANT;
  /** How long one reading of the wall clock dates cache hits before it is read again. */
  private static final long ANCHOR_LIFETIME_NANOS = 1_000_000_000L;

  private final RelayClient relay;
  private final EvaluationCache cache;
  private final SingleFlight singleFlight;
  private final EventRecorder events;
  private final Clock clock;
  private final EvaluationCounters counters;
  private final RecentContexts recentContexts = new RecentContexts();
  /**
   * The wall clock read at one monotonic reading. A cache hit already read the monotonic clock to
   * judge freshness; its event's creation date (whole seconds) is derived from that reading, and
   * the wall clock is read again at most once a second. Replaced, never mutated; a racing
   * replacement is as good as the one it replaced.
   */
  private volatile ClockAnchor anchor;

  /**
   * @param cache null when caching is off
   * @param singleFlight null when caching is off
   */
  public RemoteEvaluator(
      RelayClient relay, EvaluationCache cache, SingleFlight singleFlight, EventRecorder events, Clock clock) {
    this(relay, cache, singleFlight, events, clock, new EvaluationCounters());
  }

  /** @param counters where each evaluation is counted, once */
  public RemoteEvaluator(
      RelayClient relay,
      EvaluationCache cache,
      SingleFlight singleFlight,
      EventRecorder events,
      Clock clock,
      EvaluationCounters counters) {
    this.counters = counters;
    this.relay = relay;
    this.cache = cache;
    this.singleFlight = singleFlight;
    this.events = events;
    this.clock = clock;
  }

  /** Metadata key marking an in-process flag evaluated by the relay instead (GOFF-FALLBACK-007). */
  public static final String EVALUATED_REMOTELY_KEY = "gofeatureflag_evaluated_remotely";

  @Override
  public <T> ProviderEvaluation<T> evaluate(
      String flagKey, FlagType<T> type, T defaultValue, EvaluationContext context) {
    if (flagKey == null) {
      return failed(defaultValue, ErrorCode.GENERAL, "flag key is null");
    }
    // An SDK ImmutableContext is looked up in place, without copying it into a snapshot; a fresh
    // answer is a hit, anything else takes the snapshot path, which looks again.
    ContextProbe probe = cache == null ? null : recentContexts.probe(context);
    EvaluationCache.Lookup inPlace = probe == null ? null : cache.get(flagKey, probe);
    if (inPlace != null && inPlace.fresh()) {
      recentContexts.remember(probe, inPlace.key().context());
      ProviderEvaluation<T> result = fromCache(inPlace.key(), type, defaultValue, inPlace, REASON_CACHED);
      counters.hit(result.getErrorCode());
      return result;
    }
    ContextSnapshot snapshot;
    try {
      snapshot = recentContexts.snapshot(probe, context);
    } catch (ConcurrentModificationException e) {
      return failed(defaultValue, ErrorCode.INVALID_CONTEXT, "evaluation context kept changing while it was read");
    } catch (ContextTooDeepException e) {
      return failed(defaultValue, ErrorCode.INVALID_CONTEXT, e.getMessage());
    }
    return cache == null
        ? fromRelay(flagKey, type, defaultValue, snapshot)
        : fromCacheOrRelay(flagKey, type, defaultValue, snapshot);
  }

  /**
   * Evaluates through the relay a flag the in-process engine could not evaluate: no cache, no
   * collector event (the relay records its own), the answer marked with {@link
   * #EVALUATED_REMOTELY_KEY}.
   *
   * @throws RelayException when the relay call failed; the caller keeps its local answer
   */
  public <T> ProviderEvaluation<T> fallback(
      String flagKey, FlagType<T> type, T defaultValue, ContextSnapshot snapshot) throws RelayException {
    RelayAnswer answer = relay.evaluate(flagKey, snapshot);
    Map<String, Object> metadata = new HashMap<>(answer.metadata());
    metadata.put(EVALUATED_REMOTELY_KEY, true);
    RelayAnswer marked = new RelayAnswer(answer.value(), answer.variant(), answer.reason(), metadata);
    return answer(flagKey, type, defaultValue, marked, null);
  }

  private <T> ProviderEvaluation<T> fromRelay(
      String flagKey, FlagType<T> type, T defaultValue, ContextSnapshot snapshot) {
    try {
      return counters.answered(Source.RELAY, answer(flagKey, type, defaultValue, relay.evaluate(flagKey, snapshot), null));
    } catch (RelayException e) {
      return counters.failed(error(defaultValue, ErrorMapping.errorCode(e), ErrorMapping.message(e)));
    }
  }

  private <T> ProviderEvaluation<T> fromCacheOrRelay(
      String flagKey, FlagType<T> type, T defaultValue, ContextSnapshot snapshot) {
    CacheKey key = new CacheKey(flagKey, snapshot);
    EvaluationCache.Lookup cached = cache.get(key);
    if (cached != null && cached.fresh()) {
      ProviderEvaluation<T> result = fromCache(key, type, defaultValue, cached, REASON_CACHED);
      counters.hit(result.getErrorCode());
      return result;
    }
    return afterMiss(flagKey, type, defaultValue, snapshot, key);
  }

  /** No fresh answer in the cache: the relay, through the single flight, else a stale answer. */
  private <T> ProviderEvaluation<T> afterMiss(
      String flagKey, FlagType<T> type, T defaultValue, ContextSnapshot snapshot, CacheKey key) {
    counters.miss();
    // The relay is asked even when a stale entry exists. If it cannot be reached, the cache is
    // looked up again rather than reusing this lookup: the flag may have been invalidated (it
    // changed on the relay) while the call was in flight, and then nothing old may be served.
    try {
      SingleFlight.Loaded loaded = singleFlight.load(key, () -> relay.evaluate(flagKey, snapshot));
      if (loaded.fromCache()) {
        return counters.answered(
            Source.CACHE_AFTER_MISS, fromCachedAnswer(key, type, defaultValue, loaded.answer(), REASON_CACHED));
      }
      ProviderEvaluation<T> result = answer(flagKey, type, defaultValue, loaded.answer(), null);
      if (loaded.shared() && events != EventRecorder.NONE) {
        // The relay saw (and exported) the leader's evaluation only: report this one ourselves.
        events.record(featureEvent(key, loaded.answer(), result));
      }
      return counters.answered(Source.RELAY, result);
    } catch (RelayException e) {
      EvaluationCache.Lookup fallback = e.unavailable() ? cache.get(key) : null;
      if (fallback != null) {
        boolean fresh = fallback.fresh();
        return counters.answered(
            fresh ? Source.CACHE_AFTER_MISS : Source.STALE,
            fromCache(key, type, defaultValue, fallback, fresh ? REASON_CACHED : REASON_STALE));
      }
      return counters.failed(error(defaultValue, ErrorMapping.errorCode(e), ErrorMapping.message(e)));
    }
  }

  private <T> ProviderEvaluation<T> fromCache(
      CacheKey key, FlagType<T> type, T defaultValue, EvaluationCache.Lookup cached, String reason) {
    ProviderEvaluation<T> result = answer(key.flagKey(), type, defaultValue, cached.answer(), reason);
    if (events != EventRecorder.NONE) {
      if (cached.served() != null && result.getErrorCode() == null) {
        events.record(new CacheHitEvent(cached.served(), epochSecond(cached.nanoTime())));
      } else {
        events.record(featureEvent(key, cached.answer(), result));
      }
    }
    return result;
  }

  private <T> ProviderEvaluation<T> fromCachedAnswer(
      CacheKey key, FlagType<T> type, T defaultValue, RelayAnswer answer, String reason) {
    ProviderEvaluation<T> result = answer(key.flagKey(), type, defaultValue, answer, reason);
    if (events != EventRecorder.NONE) {
      events.record(featureEvent(key, answer, result));
    }
    return result;
  }

  /** Whole seconds since the epoch at the monotonic reading {@code nanoTime}. */
  private long epochSecond(long nanoTime) {
    ClockAnchor current = anchor;
    long elapsed = current == null ? -1 : nanoTime - current.nanoTime();
    if (elapsed < 0 || elapsed >= ANCHOR_LIFETIME_NANOS) {
      current = new ClockAnchor(clock.millis(), nanoTime);
      anchor = current;
      elapsed = 0;
    }
    return (current.epochMillis() + elapsed / 1_000_000) / 1000;
  }

  private record ClockAnchor(long epochMillis, long nanoTime) {}

  private <T> ProviderEvaluation<T> answer(
      String flagKey, FlagType<T> type, T defaultValue, RelayAnswer answer, String reasonOverride) {
    Object raw = answer.value();
    if (raw == null) {
      // Disabled: the relay's reason stands however the answer was served (GOFF-EVAL-008); a
      // cached or stale disabled flag is still disabled, and the caller's default is no error.
      return ProviderEvaluation.<T>builder()
          .value(defaultValue)
          .variant(answer.variant() != null ? answer.variant() : SDK_DEFAULT_VARIANT)
          .reason(answer.reason() != null ? answer.reason() : Reason.DISABLED.name())
          .flagMetadata(answer.flagMetadata())
          .build();
    }
    T value = type.convert(raw);
    if (value == null) {
      return ProviderEvaluation.<T>builder()
          .value(defaultValue)
          .variant(answer.variant())
          .reason(Reason.ERROR.name())
          .errorCode(ErrorCode.TYPE_MISMATCH)
          .errorMessage("flag '" + flagKey + "' is a " + jsonType(raw) + ", not a " + type)
          .flagMetadata(answer.flagMetadata())
          .build();
    }
    // The constructor rather than the builder: this is every cache hit, and the builder's calls
    // profiled at a few percent of one.
    return new ProviderEvaluation<>(
        value,
        answer.variant(),
        reasonOverride != null ? reasonOverride : answer.reason(),
        null,
        null,
        answer.flagMetadata());
  }

  /** An error answer, counted. */
  private <T> ProviderEvaluation<T> failed(T defaultValue, ErrorCode code, String message) {
    return counters.failed(error(defaultValue, code, message));
  }

  private static <T> ProviderEvaluation<T> error(T defaultValue, ErrorCode code, String message) {
    return ProviderEvaluation.<T>builder()
        .value(defaultValue)
        .reason(Reason.ERROR.name())
        .errorCode(code)
        .errorMessage(message)
        .build();
  }

  private FeatureEvent featureEvent(CacheKey key, RelayAnswer answer, ProviderEvaluation<?> result) {
    // A disabled flag (no value) is a success that hands out the caller's default: not failed.
    boolean failed = result.getErrorCode() != null;
    ContextSnapshot context = key.context();
    return new FeatureEvent(
        FeatureEvent.contextKind(context),
        FeatureEvent.userKey(context),
        clock.millis() / 1000,
        key.flagKey(),
        failed || result.getVariant() == null ? SDK_DEFAULT_VARIANT : result.getVariant(),
        failed || answer.value() == null ? FlagType.plain(result.getValue()) : answer.value(),
        failed,
        answer.version(),
        FeatureEvent.SOURCE_PROVIDER_CACHE);
  }

  private static String jsonType(Object raw) {
    if (raw instanceof Boolean) {
      return "boolean";
    }
    if (raw instanceof String) {
      return "string";
    }
    if (raw instanceof Number) {
      return "number (" + raw + ")";
    }
    if (raw instanceof java.util.List) {
      return "array";
    }
    return "object";
  }
}
