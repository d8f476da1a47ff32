package dev.flagrelay.it.conformance.backend;

import com.github.tomakehurst.wiremock.common.Json;
import dev.flagrelay.it.conformance.backend.FlagSet.Condition;
import dev.flagrelay.it.conformance.backend.FlagSet.Flag;
import dev.flagrelay.it.conformance.backend.FlagSet.Operator;
import dev.flagrelay.it.conformance.backend.FlagSet.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the two flag files the suites ship with into a {@link FlagSet}.
 *
 * <p>Their targeting rules come in two languages: the TCK's canonical set uses JSONLogic ({@code
 * {"if": [{"==": [{"var": "targetingKey"}, "…"]}, "hit", null]}}), the spec's test flags CEL
 * ({@code !customer && email == 'x' && age > 10 ? 'internal' : ''}). Only the forms those files
 * use are understood; anything else fails loudly rather than being seeded wrong. JSON is parsed
 * with WireMock's (shaded) Jackson, so numbers keep their JSON type and digits: {@code 10.0} is a
 * BigDecimal of scale 1 (WireMock reads floats as BigDecimal), {@code 9007199254740991} a Long.
 */
public final class FlagFiles {
  /** One CEL term: {@code !attr}, {@code attr == 'text'}, {@code attr == true}, {@code attr > 10}. */
  private static final Pattern CEL_TERM =
      Pattern.compile(
          "!(?<negated>\\w+)"
              + "|(?<attr>\\w+)\\s*(?<op>==|>)\\s*(?<operand>'[^']*'|true|false|-?\\d+(?:\\.\\d+)?)");
  private static final Pattern CEL_RULE = Pattern.compile("(?<condition>.+)\\?\\s*'(?<variant>[^']*)'\\s*:\\s*''");

  private FlagFiles() {}

  /** The TCK's {@code canonical-flags.json}: flags under {@code flags}, {@code state}, JSONLogic targeting. */
  public static FlagSet canonical(String resource) {
    Map<String, Object> root = readJson(resource);
    Map<String, Flag> flags = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : object(root.get("flags"), "flags").entrySet()) {
      Map<String, Object> definition = object(entry.getValue(), entry.getKey());
      String state = (String) definition.get("state");
      if (!"ENABLED".equals(state) && !"DISABLED".equals(state)) {
        throw new IllegalArgumentException(entry.getKey() + ": unknown state " + state);
      }
      Object targeting = definition.get("targeting");
      List<Rule> rules = targeting == null ? List.of() : List.of(jsonLogicRule(entry.getKey(), targeting));
      flags.put(
          entry.getKey(),
          new Flag(
              entry.getKey(),
              object(definition.get("variants"), entry.getKey() + ".variants"),
              (String) definition.get("defaultVariant"),
              "DISABLED".equals(state),
              rules,
              Map.of()));
    }
    return new FlagSet(flags);
  }

  /** The spec's {@code test-flags.json}: flags at the top level, {@code disabled}, CEL {@code contextEvaluator}. */
  public static FlagSet specTestFlags(String resource) {
    Map<String, Flag> flags = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : readJson(resource).entrySet()) {
      Map<String, Object> definition = object(entry.getValue(), entry.getKey());
      Object evaluator = definition.get("contextEvaluator");
      Object metadata = definition.get("flagMetadata");
      flags.put(
          entry.getKey(),
          new Flag(
              entry.getKey(),
              object(definition.get("variants"), entry.getKey() + ".variants"),
              (String) definition.get("defaultVariant"),
              Boolean.TRUE.equals(definition.get("disabled")),
              evaluator == null ? List.of() : List.of(celRule(entry.getKey(), (String) evaluator)),
              metadata == null ? Map.of() : object(metadata, entry.getKey() + ".flagMetadata")));
    }
    return new FlagSet(flags);
  }

  /** {@code {"if": [{"==": [{"var": attr}, literal]}, variant, null]}}. */
  static Rule jsonLogicRule(String flag, Object targeting) {
    List<Object> branches = list(object(targeting, flag + ".targeting").get("if"), flag + ": if");
    if (branches.size() != 3 || branches.get(2) != null || !(branches.get(1) instanceof String variant)) {
      throw new IllegalArgumentException(flag + ": only {\"if\": [condition, variant, null]} is understood: "
          + targeting);
    }
    List<Object> equality = list(object(branches.get(0), flag + ": condition").get("=="), flag + ": ==");
    Object attribute = equality.size() == 2 ? object(equality.get(0), flag + ": var").get("var") : null;
    if (!(attribute instanceof String name)) {
      throw new IllegalArgumentException(flag + ": only {\"==\": [{\"var\": name}, literal]} is understood: "
          + targeting);
    }
    return new Rule(List.of(new Condition(name, Operator.EQUALS, equality.get(1))), variant);
  }

  /** {@code term && term ... ? 'variant' : ''}, where {@code ''} means "no match". */
  static Rule celRule(String flag, String expression) {
    Matcher rule = CEL_RULE.matcher(expression.trim());
    if (!rule.matches()) {
      throw new IllegalArgumentException(flag + ": only \"condition ? 'variant' : ''\" is understood: " + expression);
    }
    List<Condition> conditions = new ArrayList<>();
    for (String term : rule.group("condition").split("&&")) {
      conditions.add(celCondition(flag, term.trim()));
    }
    return new Rule(conditions, rule.group("variant"));
  }

  private static Condition celCondition(String flag, String term) {
    Matcher matcher = CEL_TERM.matcher(term);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(flag + ": CEL term not understood: " + term);
    }
    if (matcher.group("negated") != null) {
      return new Condition(matcher.group("negated"), Operator.EQUALS, false);
    }
    Operator operator = matcher.group("op").equals(">") ? Operator.GREATER_THAN : Operator.EQUALS;
    return new Condition(matcher.group("attr"), operator, celLiteral(matcher.group("operand")));
  }

  private static Object celLiteral(String literal) {
    if (literal.startsWith("'")) {
      return literal.substring(1, literal.length() - 1);
    }
    if (literal.equals("true") || literal.equals("false")) {
      return Boolean.valueOf(literal);
    }
    return literal.contains(".") ? (Object) Double.valueOf(literal) : (Object) Long.valueOf(literal);
  }

  /** The JSON document at a classpath resource, as plain maps, lists and boxed scalars. */
  public static Map<String, Object> readJson(String resource) {
    try (InputStream in = FlagFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no classpath resource " + resource);
      }
      return object(Json.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.class), resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object node, String where) {
    if (!(node instanceof Map)) {
      throw new IllegalArgumentException(where + ": expected a JSON object, got " + node);
    }
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object node, String where) {
    if (!(node instanceof List)) {
      throw new IllegalArgumentException(where + ": expected a JSON array, got " + node);
    }
    return (List<Object>) node;
  }
}
