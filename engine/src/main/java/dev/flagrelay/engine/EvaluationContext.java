package dev.flagrelay.engine;

import java.util.Map;
import java.util.Objects;

/**
 * Who a flag is evaluated for: a targeting key and attributes as plain Java values ({@code
 * String}, {@code Boolean}, {@code Number}, {@code List}, {@code Map}, {@code null}).
 *
 * <p>The attribute map is not copied: it must not change while an evaluation reads it. The
 * engine never writes into it.
 *
 * @param targetingKey the targeting key; {@code null} counts as empty
 * @param attributes the custom attributes, never {@code null}
 */
public record EvaluationContext(String targetingKey, Map<String, ?> attributes) {

  public EvaluationContext {
    Objects.requireNonNull(attributes, "attributes");
  }

  /** A context with a targeting key and no attributes. */
  public static EvaluationContext of(String targetingKey) {
    return new EvaluationContext(targetingKey, Map.of());
  }

  /** A context with a targeting key and attributes. */
  public static EvaluationContext of(String targetingKey, Map<String, ?> attributes) {
    return new EvaluationContext(targetingKey, attributes);
  }
}
