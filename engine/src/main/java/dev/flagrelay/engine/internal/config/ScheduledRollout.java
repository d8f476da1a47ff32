package dev.flagrelay.engine.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagrelay.engine.internal.eval.Rfc3339;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A flag's scheduled steps, sorted by date (stable: of two steps with one date the later declared
 * applies last), and how one step changes a flag: rules merge by name (the step's fields replace
 * the rule's, new names are appended), variations merge by name (a {@code null} variation is
 * removed), the default rule and the experimentation window merge field by field like a rule, the
 * other fields are replaced when the step sets them.
 */
final class ScheduledRollout {
  private static final List<String> REPLACED = List.of("disable", "trackEvents", "version");

  private ScheduledRollout() {}

  /** The steps of an already checked flag, sorted by date. */
  static List<ObjectNode> sortedSteps(JsonNode flag) {
    List<ObjectNode> steps = new ArrayList<>();
    JsonNode declared = flag.get("scheduledRollout");
    if (declared != null) {
      declared.forEach(step -> steps.add((ObjectNode) step));
    }
    steps.sort(Comparator.comparing(ScheduledRollout::date));
    return steps;
  }

  static Instant date(JsonNode step) {
    return Rfc3339.parseOrNull(step.get("date").textValue());
  }

  /** {@code flag} with {@code step} applied; neither is changed. */
  static ObjectNode apply(ObjectNode flag, ObjectNode step) {
    ObjectNode next = flag.deepCopy();
    mergeVariations(next, step.get("variations"));
    mergeRules(next, step.get("targeting"));
    mergeDefaultRule(next, step.get("defaultRule"));
    mergeExperimentation(next, step.get("experimentation"));
    for (String field : REPLACED) {
      JsonNode value = step.get(field);
      if (value != null && !value.isNull()) {
        next.set(field, value.deepCopy());
      }
    }
    return next;
  }

  private static void mergeVariations(ObjectNode flag, JsonNode variations) {
    if (variations == null || variations.isNull()) {
      return;
    }
    ObjectNode target = objectField(flag, "variations");
    for (Iterator<Map.Entry<String, JsonNode>> it = variations.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> variation = it.next();
      if (variation.getValue().isNull()) {
        target.remove(variation.getKey());
      } else {
        target.set(variation.getKey(), variation.getValue().deepCopy());
      }
    }
  }

  private static void mergeRules(ObjectNode flag, JsonNode rules) {
    if (rules == null || rules.isNull()) {
      return;
    }
    JsonNode existing = flag.get("targeting");
    ArrayNode target = existing instanceof ArrayNode array ? array : flag.putArray("targeting");
    for (JsonNode rule : rules) {
      ObjectNode same = ruleNamed(target, rule.get("name"));
      if (same == null) {
        target.add(rule.deepCopy());
      } else {
        mergeFields(same, rule);
      }
    }
  }

  /** The step's default rule fields replace the flag's, like a rule of the same name (seen on the relay). */
  private static void mergeDefaultRule(ObjectNode flag, JsonNode changes) {
    if (changes != null && !changes.isNull()) {
      mergeFields(objectField(flag, "defaultRule"), changes);
    }
  }

  /** The step's experimentation fields replace the flag's one by one (seen on the relay: a start keeps an earlier end). */
  private static void mergeExperimentation(ObjectNode flag, JsonNode changes) {
    if (changes != null && !changes.isNull()) {
      mergeFields(objectField(flag, "experimentation"), changes);
    }
  }

  private static ObjectNode ruleNamed(ArrayNode rules, JsonNode name) {
    if (name == null || !name.isTextual()) {
      return null;
    }
    for (JsonNode rule : rules) {
      if (name.equals(rule.get("name"))) {
        return (ObjectNode) rule;
      }
    }
    return null;
  }

  private static void mergeFields(ObjectNode rule, JsonNode changes) {
    for (Iterator<Map.Entry<String, JsonNode>> it = changes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> change = it.next();
      if (!change.getValue().isNull()) {
        rule.set(change.getKey(), change.getValue().deepCopy());
      }
    }
  }

  private static ObjectNode objectField(ObjectNode flag, String name) {
    JsonNode existing = flag.get(name);
    return existing instanceof ObjectNode object ? object : flag.putObject(name);
  }
}
