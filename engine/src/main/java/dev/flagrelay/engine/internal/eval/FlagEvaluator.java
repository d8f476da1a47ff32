package dev.flagrelay.engine.internal.eval;

import dev.flagrelay.engine.ErrorCode;
import dev.flagrelay.engine.EvaluationContext;
import dev.flagrelay.engine.EvaluationResult;
import dev.flagrelay.engine.Reason;
import dev.flagrelay.engine.internal.query.QueryContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one compiled flag for one context, in GO Feature Flag's order: evaluation date,
 * scheduled state, bucketing key, disabled / experimentation window, rules (first match), default
 * rule. Never throws for any context; allocates the result and, only when a rule has a query, a
 * view of the context as queries see it (nothing is copied).
 */
public final class FlagEvaluator {
  static final String CURRENT_DATE_NAMESPACE = "gofeatureflag";
  static final String CURRENT_DATE_ATTRIBUTE = "currentDateTime";
  private static final String TARGETING_KEY = "targetingKey";
  private static final Object MISSING = new Object();

  private final Map<String, Object> enrichment;

  /** @param enrichment the configuration's {@code evaluationContextEnrichment}; it wins over the context */
  public FlagEvaluator(Map<String, Object> enrichment) {
    this.enrichment = enrichment;
  }

  /** Evaluates {@code flag} at {@code now}, unless the context pins the date. */
  public EvaluationResult evaluate(
      CompiledFlag flag, EvaluationContext context, Object defaultValue, Instant now) {
    Instant at = evaluationDate(context, now);
    FlagState state = flag.stateAt(at);
    Object key = bucketingKey(flag, context);
    if (key instanceof KeyError error) {
      return failure(flag, defaultValue, ErrorCode.TARGETING_KEY_MISSING, error.message());
    }
    if (state.disabled() || state.outsideExperimentation(at)) {
      return disabled(flag, state, defaultValue);
    }
    int hash = Fnv1a.update(flag.keyHash(), (String) key);
    Map<String, Object> queryContext = null;
    for (CompiledRule rule : state.rules()) {
      if (rule.disabled()) {
        continue;
      }
      if (queryContext == null) {
        queryContext = queryContext(context);
      }
      if (rule.query().matches(queryContext)) {
        return answer(flag, state, rule, true, hash, at, defaultValue);
      }
    }
    if (state.defaultRule() == null) {
      return failure(flag, defaultValue, ErrorCode.FLAG_CONFIG, "no default targeting for the flag");
    }
    return answer(flag, state, state.defaultRule(), false, hash, at, defaultValue);
  }

  private EvaluationResult answer(
      CompiledFlag flag,
      FlagState state,
      CompiledRule rule,
      boolean matched,
      int hash,
      Instant at,
      Object defaultValue) {
    Allocation allocation = rule.allocation();
    if (allocation == null) {
      return failure(
          flag, defaultValue, ErrorCode.FLAG_CONFIG, "rule has no variation, percentage or progressive rollout");
    }
    String variant = allocation.variation(hash, at);
    if (variant == null) {
      return failure(flag, defaultValue, ErrorCode.FLAG_CONFIG, "impossible to find the variation");
    }
    boolean cacheable =
        !flag.scheduled() && !state.hasExperimentation() && !allocation.isProgressive();
    return new EvaluationResult(
        state.variations().get(variant),
        variant,
        reason(state, matched, allocation.isSplit()),
        null,
        null,
        cacheable,
        flag.trackEvents(),
        flag.version(),
        matched ? rule.metadata() : flag.metadata());
  }

  private static Reason reason(FlagState state, boolean matched, boolean split) {
    if (matched) {
      return split ? Reason.TARGETING_MATCH_SPLIT : Reason.TARGETING_MATCH;
    }
    if (split) {
      return Reason.SPLIT;
    }
    return state.rules().isEmpty() ? Reason.STATIC : Reason.DEFAULT;
  }

  private static EvaluationResult disabled(CompiledFlag flag, FlagState state, Object defaultValue) {
    return new EvaluationResult(
        defaultValue,
        EvaluationResult.SDK_DEFAULT_VARIANT,
        Reason.DISABLED,
        null,
        null,
        !flag.scheduled() && !state.hasExperimentation(),
        flag.trackEvents(),
        flag.version(),
        flag.metadata());
  }

  private static EvaluationResult failure(
      CompiledFlag flag, Object defaultValue, ErrorCode code, String message) {
    return new EvaluationResult(
        defaultValue,
        EvaluationResult.SDK_DEFAULT_VARIANT,
        Reason.ERROR,
        code,
        message,
        false,
        flag.trackEvents(),
        flag.version(),
        flag.metadata());
  }

  /** The bucketing key as a String, or a {@link KeyError}. */
  private Object bucketingKey(CompiledFlag flag, EvaluationContext context) {
    if (flag.bucketingPath() == null) {
      String key = context.targetingKey() == null ? "" : context.targetingKey();
      return key.isEmpty() && flag.needsBucketing() ? KeyError.EMPTY_TARGETING_KEY : key;
    }
    Object value = lookup(flag.bucketingPath(), context);
    if (value == MISSING) {
      return new KeyError(
          "impossible to find bucketingKey in context: nested key not found: " + flag.bucketingKey());
    }
    if (!(value instanceof String key)) {
      return KeyError.INVALID_BUCKETING_KEY;
    }
    return key.isEmpty() && flag.needsBucketing() ? KeyError.EMPTY_BUCKETING_KEY : key;
  }

  private Object lookup(List<String> path, EvaluationContext context) {
    Object current = attribute(path.get(0), context);
    for (int i = 1; i < path.size() && current != MISSING; i++) {
      current = current instanceof Map<?, ?> map ? valueOf(map, path.get(i)) : MISSING;
    }
    return current;
  }

  private Object attribute(String name, EvaluationContext context) {
    Object enriched = valueOf(enrichment, name);
    if (enriched != MISSING) {
      return enriched;
    }
    Object value = valueOf(context.attributes(), name);
    if (value == MISSING && TARGETING_KEY.equals(name) && context.targetingKey() != null) {
      return context.targetingKey(); // the relay's context holds the targeting key as an attribute too
    }
    return value;
  }

  private static Object valueOf(Map<?, ?> map, String name) {
    Object value = map.get(name);
    return value != null || map.containsKey(name) ? value : MISSING;
  }

  private Instant evaluationDate(EvaluationContext context, Instant now) {
    if (attribute(CURRENT_DATE_NAMESPACE, context) instanceof Map<?, ?> namespace
        && namespace.get(CURRENT_DATE_ATTRIBUTE) instanceof String text) {
      Instant pinned = Rfc3339.parseOrNull(text);
      return pinned != null ? pinned : now;
    }
    return now;
  }

  private Map<String, Object> queryContext(EvaluationContext context) {
    return QueryContext.of(context.targetingKey(), context.attributes(), enrichment);
  }

  /** Why there is no usable bucketing key. */
  private record KeyError(String message) {
    static final KeyError EMPTY_TARGETING_KEY = new KeyError("Error: Empty targeting key");
    static final KeyError EMPTY_BUCKETING_KEY = new KeyError("Error: Empty bucketing key");
    static final KeyError INVALID_BUCKETING_KEY = new KeyError("invalid bucketing key");
  }
}
