package dev.flagrelay.it.conformance.backend;

import com.github.tomakehurst.wiremock.common.Json;
import dev.flagrelay.it.conformance.backend.FlagSet.Condition;
import dev.flagrelay.it.conformance.backend.FlagSet.Flag;
import dev.flagrelay.it.conformance.backend.FlagSet.Rule;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link FlagSet} as a GO Feature Flag flag file (YAML): {@code variations}, {@code
 * targeting} rules with {@code query} expressions, {@code defaultRule.variation}, {@code disable}
 * and {@code metadata}.
 *
 * <p>Every value keeps its type and digits: strings are double-quoted (so {@code "on"} stays a
 * string and {@code ""} is not a null), integers are written as integers and doubles always with a
 * fraction ({@code 10.0}). Keys are quoted too, so variant names such as {@code on} and {@code off}
 * are never read as YAML 1.1 booleans.
 */
public final class GoffFlagFile {
  private GoffFlagFile() {}

  public static String render(FlagSet flags, String source) {
    StringBuilder yaml = new StringBuilder("# Generated from ").append(source).append(" by the conformance suite.\n");
    flags.flags().values().forEach(flag -> writeFlag(yaml, flag));
    return yaml.toString();
  }

  private static void writeFlag(StringBuilder yaml, Flag flag) {
    if (flag.defaultVariant() == null) {
      throw new IllegalArgumentException(flag.key() + ": GO Feature Flag needs a default variant (defaultRule)");
    }
    yaml.append(quoted(flag.key())).append(":\n");
    yaml.append("  variations:");
    writeMapping(yaml, flag.variants(), 4);
    if (!flag.rules().isEmpty()) {
      yaml.append("  targeting:\n");
      for (Rule rule : flag.rules()) {
        yaml.append("    - query: ").append(singleQuoted(query(rule))).append('\n');
        yaml.append("      variation: ").append(quoted(rule.variant())).append('\n');
      }
    }
    yaml.append("  defaultRule:\n    variation: ").append(quoted(flag.defaultVariant())).append('\n');
    if (flag.disabled()) {
      yaml.append("  disable: true\n");
    }
    if (!flag.metadata().isEmpty()) {
      yaml.append("  metadata:");
      writeMapping(yaml, flag.metadata(), 4);
    }
  }

  /** The rule as a GO Feature Flag query: {@code email eq "x" and age gt 10}. */
  static String query(Rule rule) {
    List<String> terms = new ArrayList<>();
    for (Condition condition : rule.conditions()) {
      String operator = condition.operator() == FlagSet.Operator.GREATER_THAN ? " gt " : " eq ";
      terms.add(condition.attribute() + operator + scalar(condition.operand()));
    }
    return String.join(" and ", terms);
  }

  /** Appends {@code map} after a key: {@code " {}"} when empty, else one indented entry per line. */
  private static void writeMapping(StringBuilder yaml, Map<?, ?> map, int indent) {
    if (map.isEmpty()) {
      yaml.append(" {}\n");
      return;
    }
    yaml.append('\n');
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      yaml.append(" ".repeat(indent)).append(quoted(String.valueOf(entry.getKey()))).append(':');
      if (entry.getValue() instanceof Map<?, ?> nested) {
        writeMapping(yaml, nested, indent + 2);
      } else {
        yaml.append(' ').append(scalar(entry.getValue())).append('\n');
      }
    }
  }

  private static String scalar(Object value) {
    if (value instanceof String text) {
      return quoted(text);
    }
    if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
      return value.toString();
    }
    if (value instanceof BigDecimal number) {
      // As written in the JSON source (10.0 keeps its fraction); a float without one gains ".0".
      String digits = number.toString();
      return digits.contains(".") || digits.contains("E") ? digits : digits + ".0";
    }
    if (value instanceof Double number) {
      if (number.isNaN() || number.isInfinite()) {
        throw new IllegalArgumentException("not a JSON number: " + number);
      }
      return number.toString(); // Always has a fraction or an exponent: 10.0 stays a float.
    }
    if (value instanceof List<?>) {
      return Json.write(value); // A JSON array is a YAML flow sequence.
    }
    String type = value == null ? "null" : value.getClass().getName();
    throw new IllegalArgumentException("cannot write " + value + " (" + type + ")");
  }

  /** A YAML double-quoted scalar; JSON's string syntax is one. */
  private static String quoted(String text) {
    return Json.write(text);
  }

  private static String singleQuoted(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
