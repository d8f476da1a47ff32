package dev.flagrelay.engine.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.flagrelay.engine.internal.eval.Rfc3339;
import java.util.Iterator;
import java.util.Set;

/**
 * The fields and JSON types a flag may have in the relay's configuration. Anything else (an
 * unknown field, a wrong type, an invalid date, a negative percentage) makes the flag not
 * evaluable locally: it is never guessed at. {@code null} counts as absent, as in Go.
 */
final class FlagShape {
  private static final Set<String> FLAG_FIELDS =
      Set.of(
          "variations", "targeting", "defaultRule", "bucketingKey", "disable", "trackEvents",
          "version", "metadata", "experimentation", "scheduledRollout");
  private static final Set<String> STEP_FIELDS =
      Set.of(
          "date", "variations", "targeting", "defaultRule", "disable", "trackEvents", "version",
          "experimentation");
  private static final Set<String> RULE_FIELDS =
      Set.of("name", "query", "variation", "percentage", "progressiveRollout", "disable");
  private static final Set<String> ROLLOUT_FIELDS = Set.of("initial", "end");
  private static final Set<String> ROLLOUT_STEP_FIELDS = Set.of("variation", "percentage", "date");
  private static final Set<String> WINDOW_FIELDS = Set.of("start", "end");

  private FlagShape() {}

  static void checkFlag(JsonNode flag) throws InvalidFlagException {
    if (!flag.isObject()) {
      throw new InvalidFlagException("a flag must be a JSON object, got " + typeOf(flag));
    }
    checkFields(flag, FLAG_FIELDS, "");
    checkCommon(flag, "");
    optional(flag, "bucketingKey", JsonNodeType.STRING, "");
    optional(flag, "metadata", JsonNodeType.OBJECT, "");
    JsonNode steps = optional(flag, "scheduledRollout", JsonNodeType.ARRAY, "");
    for (int i = 0; steps != null && i < steps.size(); i++) {
      checkStep(steps.get(i), "scheduledRollout[" + i + "]");
    }
  }

  private static void checkStep(JsonNode step, String path) throws InvalidFlagException {
    requireObject(step, path);
    checkFields(step, STEP_FIELDS, path + ".");
    requireDate(step, "date", path + ".");
    checkCommon(step, path + ".");
  }

  /** The fields a flag and a scheduled step share. */
  private static void checkCommon(JsonNode node, String prefix) throws InvalidFlagException {
    optional(node, "variations", JsonNodeType.OBJECT, prefix);
    optional(node, "disable", JsonNodeType.BOOLEAN, prefix);
    optional(node, "trackEvents", JsonNodeType.BOOLEAN, prefix);
    optional(node, "version", JsonNodeType.STRING, prefix);
    JsonNode rules = optional(node, "targeting", JsonNodeType.ARRAY, prefix);
    for (int i = 0; rules != null && i < rules.size(); i++) {
      checkRule(rules.get(i), prefix + "targeting[" + i + "]");
    }
    if (optional(node, "defaultRule", JsonNodeType.OBJECT, prefix) != null) {
      checkRule(node.get("defaultRule"), prefix + "defaultRule");
    }
    JsonNode window = optional(node, "experimentation", JsonNodeType.OBJECT, prefix);
    if (window != null) {
      checkFields(window, WINDOW_FIELDS, prefix + "experimentation.");
      optionalDate(window, "start", prefix + "experimentation.");
      optionalDate(window, "end", prefix + "experimentation.");
    }
  }

  private static void checkRule(JsonNode rule, String path) throws InvalidFlagException {
    requireObject(rule, path);
    String prefix = path + ".";
    checkFields(rule, RULE_FIELDS, prefix);
    optional(rule, "name", JsonNodeType.STRING, prefix);
    optional(rule, "query", JsonNodeType.STRING, prefix);
    optional(rule, "variation", JsonNodeType.STRING, prefix);
    optional(rule, "disable", JsonNodeType.BOOLEAN, prefix);
    JsonNode percentage = optional(rule, "percentage", JsonNodeType.OBJECT, prefix);
    for (Iterator<String> it = percentage == null ? null : percentage.fieldNames();
        it != null && it.hasNext(); ) {
      requirePercentage(percentage, it.next(), prefix + "percentage.");
    }
    JsonNode rollout = optional(rule, "progressiveRollout", JsonNodeType.OBJECT, prefix);
    if (rollout != null) {
      checkFields(rollout, ROLLOUT_FIELDS, prefix + "progressiveRollout.");
      checkRolloutStep(rollout, "initial", prefix + "progressiveRollout.");
      checkRolloutStep(rollout, "end", prefix + "progressiveRollout.");
    }
  }

  private static void checkRolloutStep(JsonNode rollout, String name, String prefix)
      throws InvalidFlagException {
    JsonNode step = rollout.get(name);
    if (step == null || step.isNull()) {
      throw new InvalidFlagException(prefix + name + ": missing");
    }
    String path = prefix + name;
    requireObject(step, path);
    checkFields(step, ROLLOUT_STEP_FIELDS, path + ".");
    if (optional(step, "variation", JsonNodeType.STRING, path + ".") == null) {
      throw new InvalidFlagException(path + ".variation: missing");
    }
    if (step.hasNonNull("percentage")) {
      requirePercentage(step, "percentage", path + ".");
    }
    requireDate(step, "date", path + ".");
  }

  private static void requirePercentage(JsonNode parent, String name, String prefix)
      throws InvalidFlagException {
    JsonNode value = parent.get(name);
    if (!value.isNumber()) {
      throw new InvalidFlagException(prefix + name + ": expected a number, got " + typeOf(value));
    }
    double percentage = value.doubleValue();
    if (!Double.isFinite(percentage) || percentage < 0) {
      throw new InvalidFlagException(prefix + name + ": percentage out of range: " + value.asText());
    }
  }

  private static void requireDate(JsonNode parent, String name, String prefix)
      throws InvalidFlagException {
    if (!parent.hasNonNull(name)) {
      throw new InvalidFlagException(prefix + name + ": missing");
    }
    optionalDate(parent, name, prefix);
  }

  private static void optionalDate(JsonNode parent, String name, String prefix)
      throws InvalidFlagException {
    JsonNode date = optional(parent, name, JsonNodeType.STRING, prefix);
    if (date != null && Rfc3339.parseOrNull(date.textValue()) == null) {
      throw new InvalidFlagException(
          prefix + name + ": not an RFC 3339 date-time: " + abbreviate(date.textValue()));
    }
  }

  private static JsonNode optional(JsonNode parent, String name, JsonNodeType type, String prefix)
      throws InvalidFlagException {
    JsonNode value = parent.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.getNodeType() != type) {
      throw new InvalidFlagException(
          prefix + name + ": expected " + describe(type) + ", got " + typeOf(value));
    }
    return value;
  }

  private static void requireObject(JsonNode node, String path) throws InvalidFlagException {
    if (!node.isObject()) {
      throw new InvalidFlagException(path + ": expected an object, got " + typeOf(node));
    }
  }

  private static void checkFields(JsonNode node, Set<String> known, String prefix)
      throws InvalidFlagException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new InvalidFlagException(prefix + abbreviate(name) + ": unknown field");
      }
    }
  }

  private static String typeOf(JsonNode node) {
    return describe(node.getNodeType());
  }

  private static String describe(JsonNodeType type) {
    return switch (type) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "...";
  }
}
