package dev.flagrelay.engine;

import dev.flagrelay.engine.internal.config.CompiledConfiguration;
import dev.flagrelay.engine.internal.config.ConfigurationReader;
import dev.flagrelay.engine.internal.eval.CompiledFlag;
import dev.flagrelay.engine.internal.eval.FlagEvaluator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable, pre-compiled flag configuration: the relay's {@code /v1/flag/configuration} body
 * ({@code {"flags":{key:flag}, "evaluationContextEnrichment":{...}}}), with every query parsed,
 * every split resolved and every date read once. One instance is shared by every thread; {@link
 * #evaluate} takes no lock and never throws.
 *
 * <p>A flag the engine cannot compile (an unknown field, a wrong JSON type, an invalid date, a
 * number out of range, JSON nested deeper than 128 levels) does not stop the others from loading:
 * it is listed in {@link #unsupportedFlags()} with the reason, and evaluating it answers {@link
 * ErrorCode#PARSE_ERROR} so that the caller evaluates it remotely.
 */
public final class FlagConfiguration {
  private static final FlagConfiguration EMPTY =
      new FlagConfiguration(new CompiledConfiguration(Map.of(), Map.of(), Map.of()));

  private final Map<String, CompiledFlag> flags;
  private final Map<String, String> unsupported;
  private final Map<String, Object> enrichment;
  /** Each flag's JSON as received; read-only trees, compared, never handed out. */
  private final Map<String, JsonNode> definitions;
  private final FlagEvaluator evaluator;

  private FlagConfiguration(CompiledConfiguration compiled) {
    this.flags = compiled.flags();
    this.unsupported = compiled.unsupported();
    this.enrichment = compiled.enrichment();
    this.definitions = compiled.definitions();
    this.evaluator = new FlagEvaluator(enrichment);
  }

  /** A configuration without flags. */
  public static FlagConfiguration empty() {
    return EMPTY;
  }

  /**
   * Parses a configuration body (UTF-8 JSON).
   *
   * @throws FlagConfigurationException when the body is not a JSON object, or its {@code flags}
   *     or {@code evaluationContextEnrichment} is not an object
   */
  public static FlagConfiguration parse(byte[] body) {
    return new FlagConfiguration(ConfigurationReader.read(Objects.requireNonNull(body, "body")));
  }

  /** Parses a configuration body; see {@link #parse(byte[])}. */
  public static FlagConfiguration parse(String body) {
    return new FlagConfiguration(ConfigurationReader.read(Objects.requireNonNull(body, "body")));
  }

  /**
   * Parses a configuration body read from {@code body}, which is not closed; see {@link
   * #parse(byte[])}.
   *
   * @throws IOException when reading fails
   */
  public static FlagConfiguration parse(InputStream body) throws IOException {
    return new FlagConfiguration(ConfigurationReader.read(Objects.requireNonNull(body, "body")));
  }

  /**
   * Evaluates a flag for a context. Never throws: a missing flag is {@link
   * ErrorCode#FLAG_NOT_FOUND}, a flag not evaluable locally {@link ErrorCode#PARSE_ERROR}, an
   * unexpected failure {@link ErrorCode#GENERAL}; each with {@code defaultValue} as the value.
   *
   * @param flagKey the flag's key
   * @param context the targeting key and attributes; the attribute {@code
   *     gofeatureflag.currentDateTime} (RFC 3339), when valid, replaces {@code now}
   * @param defaultValue the caller's default value, returned when the flag is disabled or fails
   * @param now the evaluation instant (the caller's clock: the engine has none)
   */
  public EvaluationResult evaluate(
      String flagKey, EvaluationContext context, Object defaultValue, Instant now) {
    try {
      CompiledFlag flag = flagKey == null ? null : flags.get(flagKey);
      if (flag == null) {
        return notEvaluated(flagKey, defaultValue);
      }
      if (context == null || now == null) {
        return error(defaultValue, ErrorCode.GENERAL, context == null ? "no context" : "no evaluation instant");
      }
      return evaluator.evaluate(flag, context, defaultValue, now);
    } catch (RuntimeException | StackOverflowError e) {
      return error(defaultValue, ErrorCode.GENERAL, "evaluation failed: " + e);
    }
  }

  private EvaluationResult notEvaluated(String flagKey, Object defaultValue) {
    String reason = flagKey == null ? null : unsupported.get(flagKey);
    if (reason != null) {
      return error(defaultValue, ErrorCode.PARSE_ERROR, "flag not evaluable locally: " + reason);
    }
    return error(defaultValue, ErrorCode.FLAG_NOT_FOUND, "flag " + flagKey + " not found");
  }

  private static EvaluationResult error(Object defaultValue, ErrorCode code, String message) {
    return new EvaluationResult(
        defaultValue, null, Reason.ERROR, code, message, false, true, null, Map.of());
  }

  /** Whether the configuration holds a flag with that key, evaluable locally or not. */
  public boolean contains(String flagKey) {
    return flags.containsKey(flagKey) || unsupported.containsKey(flagKey);
  }

  /** The keys of the flags evaluable locally. */
  public Set<String> evaluableFlags() {
    return flags.keySet();
  }

  /**
   * The flags in the configuration that are not evaluable locally, by key, each with the reason
   * (naming the field concerned). Evaluate them remotely.
   */
  public Map<String, String> unsupportedFlags() {
    return unsupported;
  }

  /**
   * The keys of the flags whose definition differs from {@code previous}: added, removed, or with
   * different JSON (field order aside), evaluable locally or not; every key of both when the
   * {@code evaluationContextEnrichment} differs, since any answer may then change. Sorted.
   */
  public List<String> changedFlags(FlagConfiguration previous) {
    Objects.requireNonNull(previous, "previous");
    TreeSet<String> keys = new TreeSet<>(definitions.keySet());
    keys.addAll(previous.definitions.keySet());
    if (!enrichment.equals(previous.enrichment)) {
      return List.copyOf(keys);
    }
    List<String> changed = new ArrayList<>();
    for (String key : keys) {
      if (!Objects.equals(definitions.get(key), previous.definitions.get(key))) {
        changed.add(key);
      }
    }
    return List.copyOf(changed);
  }

  /** The {@code evaluationContextEnrichment} applied to every evaluation (it wins over the context). */
  public Map<String, Object> evaluationContextEnrichment() {
    return enrichment;
  }
}
