package dev.flagrelay.internal.evaluation;

import dev.flagrelay.engine.EvaluationResult;
import dev.flagrelay.engine.FlagConfiguration;
import dev.flagrelay.internal.configuration.AnswerEvents;
import dev.flagrelay.internal.configuration.ConfigurationSnapshot;
import dev.flagrelay.internal.configuration.FlagMetadataCache;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.context.ContextTooDeepException;
import dev.flagrelay.internal.relay.CollectorEvent;
import dev.flagrelay.internal.relay.FeatureEvent;
import dev.flagrelay.internal.relay.InProcessEvent;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.stats.EvaluationCounters;
import dev.flagrelay.internal.stats.EvaluationCounters.Source;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import java.time.Clock;
import java.time.Instant;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one evaluation in the application's process, with the engine and the current
 * configuration snapshot: no network call, except for a flag the engine cannot evaluate, which is
 * asked of the relay through the remote path (GOFF-FALLBACK-001).
 *
 * <p>The snapshot is read exactly once per evaluation: presence, evaluation, trackability and the
 * event's version all come from the same configuration, however many swaps happen meanwhile.
 * Every known flag whose {@code trackEvents} is not false yields one feature event ({@code source:
 * INPROCESS}), failures included; an unknown flag, a fallback and an unreadable context yield none.
 *
 * <p>Per evaluation it copies the caller's context once (the snapshot: the caller may change its
 * objects afterwards) and nothing more: the engine reads the snapshot through a view, and a
 * successful answer's metadata and feature event were built once per configuration.
 */
public final class LocalEvaluator implements Evaluator {
  private static final Logger logger = LoggerFactory.getLogger(LocalEvaluator.class);

  private final Supplier<ConfigurationSnapshot> configuration;
  private final RemoteEvaluator remote;
  private final EventRecorder events;
  private final Clock clock;
  private final EvaluationCounters counters;
  /** Flags whose fallback was logged already; bounded by the keys configurations held. */
  private final Set<String> fallbackLogged = ConcurrentHashMap.newKeySet();

  public LocalEvaluator(
      Supplier<ConfigurationSnapshot> configuration, RemoteEvaluator remote, EventRecorder events, Clock clock) {
    this(configuration, remote, events, clock, new EvaluationCounters());
  }

  /** @param counters where each evaluation is counted, once (a relay fallback as a relay answer) */
  public LocalEvaluator(
      Supplier<ConfigurationSnapshot> configuration,
      RemoteEvaluator remote,
      EventRecorder events,
      Clock clock,
      EvaluationCounters counters) {
    this.counters = counters;
    this.configuration = configuration;
    this.remote = remote;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public <T> ProviderEvaluation<T> evaluate(String flagKey, FlagType<T> type, T defaultValue, EvaluationContext context) {
    ConfigurationSnapshot snapshot = configuration.get(); // Once: see the class comment.
    if (snapshot == null) {
      return local(error(defaultValue, ErrorCode.PROVIDER_NOT_READY, "no flag configuration yet"));
    }
    if (flagKey == null) {
      return local(error(defaultValue, ErrorCode.GENERAL, "flag key is null"));
    }
    FlagConfiguration flags = snapshot.configuration();
    if (!flags.contains(flagKey)) {
      return local(error(defaultValue, ErrorCode.FLAG_NOT_FOUND, "flag '" + flagKey + "' is not in the flag configuration"));
    }
    ContextSnapshot caller;
    try {
      caller = ContextSnapshot.of(context);
    } catch (ConcurrentModificationException e) {
      return local(error(defaultValue, ErrorCode.INVALID_CONTEXT, "evaluation context kept changing while it was read"));
    } catch (ContextTooDeepException e) {
      return local(error(defaultValue, ErrorCode.INVALID_CONTEXT, e.getMessage()));
    }
    Instant now = clock.instant();
    EvaluationResult result = flags.evaluate(flagKey, engineContext(caller), null, now);
    if (result.errorCode() == dev.flagrelay.engine.ErrorCode.PARSE_ERROR
        || result.errorCode() == dev.flagrelay.engine.ErrorCode.GENERAL) {
      return fallback(flagKey, type, defaultValue, caller, result); // Counted there.
    }
    ProviderEvaluation<T> answer = answer(flagKey, type, defaultValue, result, snapshot.metadata());
    if (events != EventRecorder.NONE && result.trackEvents()) {
      events.record(event(flagKey, caller, result, answer, snapshot.events(), now.getEpochSecond()));
    }
    return local(answer);
  }

  private <T> ProviderEvaluation<T> local(ProviderEvaluation<T> result) {
    return counters.answered(Source.IN_PROCESS, result);
  }

  /**
   * The context as the relay would read it from OFREP: attributes but the targeting key, instants
   * as text; a view of the snapshot ({@link EngineAttributes}), nothing copied.
   */
  static dev.flagrelay.engine.EvaluationContext engineContext(ContextSnapshot context) {
    return dev.flagrelay.engine.EvaluationContext.of(context.targetingKey(), new EngineAttributes(context));
  }

  private <T> ProviderEvaluation<T> fallback(
      String flagKey, FlagType<T> type, T defaultValue, ContextSnapshot caller, EvaluationResult local) {
    if (fallbackLogged.add(flagKey)) {
      logger.warn(
          "flag '{}' cannot be evaluated in process ({}: {}); it is evaluated by the relay (logged once per flag)",
          flagKey,
          local.errorCode(),
          local.errorMessage());
    }
    try {
      return counters.answered(Source.RELAY, remote.fallback(flagKey, type, defaultValue, caller));
    } catch (RelayException e) {
      logger.warn("remote evaluation of flag '{}' failed too: {}", flagKey, ErrorMapping.message(e));
      ErrorCode code = local.errorCode() == dev.flagrelay.engine.ErrorCode.PARSE_ERROR ? ErrorCode.PARSE_ERROR : ErrorCode.GENERAL;
      return counters.failed(
          error(defaultValue, code, local.errorMessage() + "; remote evaluation failed: " + ErrorMapping.message(e)));
    }
  }

  private static <T> ProviderEvaluation<T> answer(
      String flagKey, FlagType<T> type, T defaultValue, EvaluationResult result, FlagMetadataCache metadataCache) {
    if (result.errorCode() != null) {
      return error(defaultValue, errorCode(result.errorCode()), result.errorMessage());
    }
    // As the relay's OFREP answer carries it: built once per rule and configuration, shared.
    ImmutableMetadata metadata = metadataCache.of(result.metadata(), result.cacheable());
    if (result.reason() == dev.flagrelay.engine.Reason.DISABLED) {
      return ProviderEvaluation.<T>builder()
          .value(defaultValue)
          .variant(result.variant() != null ? result.variant() : FeatureEvent.SDK_DEFAULT_VARIANT)
          .reason(Reason.DISABLED.name())
          .flagMetadata(metadata)
          .build();
    }
    T value = result.value() == null ? null : type.convert(result.value());
    if (value == null) {
      return ProviderEvaluation.<T>builder()
          .value(defaultValue)
          .variant(result.variant())
          .reason(Reason.ERROR.name())
          .errorCode(ErrorCode.TYPE_MISMATCH)
          .errorMessage("flag '" + flagKey + "' is not a " + type + ": " + describe(result.value()))
          .flagMetadata(metadata)
          .build();
    }
    return ProviderEvaluation.<T>builder()
        .value(value)
        .variant(result.variant())
        .reason(result.reason().name())
        .flagMetadata(metadata)
        .build();
  }

  /** FLAG_CONFIG is GENERAL, as the remote mode maps the relay's (GOFF-ERR-001). */
  private static ErrorCode errorCode(dev.flagrelay.engine.ErrorCode code) {
    switch (code) {
      case FLAG_NOT_FOUND:
        return ErrorCode.FLAG_NOT_FOUND;
      case TARGETING_KEY_MISSING:
        return ErrorCode.TARGETING_KEY_MISSING;
      case PARSE_ERROR:
        return ErrorCode.PARSE_ERROR;
      default:
        return ErrorCode.GENERAL;
    }
  }

  /**
   * The evaluation's feature event: a successful answer's shares the event built once per
   * configuration ({@link AnswerEvents}); one that returned the caller's default carries it.
   */
  private static CollectorEvent event(
      String flagKey,
      ContextSnapshot context,
      EvaluationResult result,
      ProviderEvaluation<?> answer,
      AnswerEvents answers,
      long creationDate) {
    if (answer.getErrorCode() == null
        && result.reason() != dev.flagrelay.engine.Reason.DISABLED
        && answer.getVariant() != null) {
      return new InProcessEvent(
          answers.of(flagKey, answer.getVariant(), result.value(), result.version()),
          FeatureEvent.contextKind(context),
          FeatureEvent.userKey(context),
          creationDate);
    }
    return featureEvent(flagKey, context, result, answer, creationDate);
  }

  private static FeatureEvent featureEvent(
      String flagKey, ContextSnapshot context, EvaluationResult result, ProviderEvaluation<?> answer, long creationDate) {
    boolean failed = answer.getErrorCode() != null;
    boolean callerDefault = failed || result.reason() == dev.flagrelay.engine.Reason.DISABLED;
    return new FeatureEvent(
        FeatureEvent.contextKind(context),
        FeatureEvent.userKey(context),
        creationDate,
        flagKey,
        failed || answer.getVariant() == null ? FeatureEvent.SDK_DEFAULT_VARIANT : answer.getVariant(),
        callerDefault ? FlagType.plain(answer.getValue()) : result.value(),
        failed,
        result.version() == null ? "" : result.version(),
        FeatureEvent.SOURCE_INPROCESS);
  }

  private static String describe(Object value) {
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "an array";
    }
    return value instanceof String ? "a string" : String.valueOf(value);
  }

  private static <T> ProviderEvaluation<T> error(T defaultValue, ErrorCode code, String message) {
    return ProviderEvaluation.<T>builder()
        .value(defaultValue)
        .reason(Reason.ERROR.name())
        .errorCode(code)
        .errorMessage(message)
        .build();
  }
}
