package dev.flagrelay.it.conformance.glue;

import com.github.tomakehurst.wiremock.common.Json;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.FlagEvaluationOptions;
import dev.openfeature.sdk.Value;
import java.util.Objects;
import java.util.function.Function;

/**
 * A flag type as the Gherkin names it ({@code Boolean-flag}, {@code Integer-flag}, ...): how to
 * read a value written in a step, which client accessor evaluates it, and when a resolved value
 * equals the one a step expects.
 */
enum FlagKind {
  BOOLEAN(
      FlagKind::parseBoolean,
      (c, key, fallback, ctx, opts) -> c.getBooleanDetails(key, (Boolean) fallback, ctx, opts)),
  STRING(text -> text, (c, key, fallback, ctx, opts) -> c.getStringDetails(key, (String) fallback, ctx, opts)),
  INTEGER(Integer::valueOf, (c, key, fallback, ctx, opts) -> c.getIntegerDetails(key, (Integer) fallback, ctx, opts)),
  /** Java's 64-bit accessor (SDK 1.22): what an {@code Integer-flag} means under {@code @large-integers}. */
  LONG(Long::valueOf, (c, key, fallback, ctx, opts) -> c.getLongDetails(key, (Long) fallback, ctx, opts)),
  FLOAT(Double::valueOf, (c, key, fallback, ctx, opts) -> c.getDoubleDetails(key, (Double) fallback, ctx, opts)),
  /** A JSON object or array; Cucumber has already undone the Gherkin's {@code \"} escapes. */
  OBJECT(
      text -> JsonValues.toValue(Json.read(text, Object.class)),
      (c, key, fallback, ctx, opts) -> c.getObjectDetails(key, (Value) fallback, ctx, opts)) {
    @Override
    boolean matches(Object actual, String expected) {
      return actual instanceof Value value
          && JsonValues.sameJson(JsonValues.toPlain(value), Json.read(expected, Object.class));
    }
  };

  /** One of the client's typed {@code get...Details} methods. */
  @FunctionalInterface
  private interface Accessor {
    FlagEvaluationDetails<?> evaluate(
        Client client, String key, Object fallback, EvaluationContext ctx, FlagEvaluationOptions options);
  }

  private final Function<String, Object> parser;
  private final Accessor accessor;

  FlagKind(Function<String, Object> parser, Accessor accessor) {
    this.parser = parser;
    this.accessor = accessor;
  }

  /** {@code Boolean}, {@code String}, {@code Integer}, {@code Float} or {@code Object}. */
  static FlagKind named(String name, boolean wideIntegers) {
    switch (name) {
      case "Boolean":
        return BOOLEAN;
      case "String":
        return STRING;
      case "Integer":
        return wideIntegers ? LONG : INTEGER;
      case "Float":
        return FLOAT;
      case "Object":
        return OBJECT;
      default:
        throw new IllegalArgumentException("unknown flag type: " + name);
    }
  }

  Object parse(String text) {
    return parser.apply(text);
  }

  FlagEvaluationDetails<?> evaluate(
      Client client, String key, Object fallback, EvaluationContext ctx, FlagEvaluationOptions options) {
    return accessor.evaluate(client, key, fallback, ctx, options);
  }

  /** Whether a resolved value is the one a step wrote down. */
  boolean matches(Object actual, String expected) {
    return Objects.equals(actual, parse(expected));
  }

  private static Boolean parseBoolean(String text) {
    if (!text.equals("true") && !text.equals("false")) {
      throw new IllegalArgumentException("not a boolean: '" + text + "'");
    }
    return Boolean.valueOf(text);
  }
}
