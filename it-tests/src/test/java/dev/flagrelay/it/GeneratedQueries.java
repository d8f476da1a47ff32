package dev.flagrelay.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random nikunjy and JsonLogic queries over the attributes {@link GeneratedFlags#context()} may
 * hold (and some it never holds): comparisons with literals of every kind (strings with unicode,
 * integers, doubles, booleans, semver, lists, {@code null}), {@code pr}, {@code not}, {@code
 * and}/{@code or} chains with and without parentheses, dotted paths into nested objects; JsonLogic
 * with comparisons, logic, {@code in}, arithmetic, {@code var} with defaults, {@code missing},
 * {@code some}/{@code all}/{@code none}, {@code if}, {@code cat}, {@code substr}.
 */
final class GeneratedQueries {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Attribute paths a query may name; the last ones a context never has. */
  static final String[] PATHS = {
    "age", "rate", "email", "plan", "name", "professional", "anonymous", "labels", "scores",
    "version", "team.id", "team.size", "team.tags", "company.info.name", "company.info.size",
    "país", "nothing", "targetingKey", "key", "env", "tier", "missing", "team.missing"};
  private static final String[] NIKUNJY_OPERATORS = {
    "eq", "ne", "lt", "gt", "le", "ge", "co", "sw", "ew", "in", "==", "!=", "<", ">", "<=", ">=", "EQ", "IN", "eq", "ne"};
  private static final String[] STRINGS = {
    "pro", "team", "free", "PRO", "josé", "JOSÉ", "Zoë", "日本", "😀", "", "t-1", "t-2", "user-1", "x1@example.com",
    "@example.com", "doe", "production", "1.2.0", "2.0.0-beta", "a b", "beta", "ES", "3", "true"};
  private static final String[] JSONLOGIC_COMPARISONS = {"==", "!=", "===", "!==", "<", ">", "<=", ">="};

  private final Random random;

  GeneratedQueries(Random random) {
    this.random = random;
  }

  String nikunjy() {
    return nikunjyExpression(0);
  }

  private String nikunjyExpression(int depth) {
    StringBuilder query = new StringBuilder(nikunjyTerm(depth));
    int more = random.nextInt(depth == 0 ? 4 : 2);
    for (int i = 0; i < more; i++) {
      query.append(random.nextInt(3) == 0 ? " or " : " and ").append(nikunjyTerm(depth));
    }
    return query.toString();
  }

  private String nikunjyTerm(int depth) {
    int kind = random.nextInt(10);
    if (kind == 0 && depth < 2) {
      return "(" + nikunjyExpression(depth + 1) + ")";
    }
    if (kind == 1 && depth < 2) {
      return "not (" + nikunjyExpression(depth + 1) + ")";
    }
    String path = asciiPath();
    if (kind == 2) {
      return path + " pr";
    }
    String operator = NIKUNJY_OPERATORS[random.nextInt(NIKUNJY_OPERATORS.length)];
    String literal = operator.equalsIgnoreCase("in") ? nikunjyList() : nikunjyLiteral(operator);
    return path + " " + operator + " " + literal;
  }

  /**
   * A literal the operator accepts (the relay refuses a flag whose query compares, say, {@code co}
   * with a number), and one time in eight any literal.
   */
  private String nikunjyLiteral(String operator) {
    if (random.nextInt(8) == 0) {
      return anyLiteral();
    }
    return switch (operator) {
      case "co", "sw", "ew" -> quoted(string());
      case "lt", "gt", "le", "ge", "<", ">", "<=", ">=" -> switch (random.nextInt(4)) {
        case 0 -> Integer.toString(random.nextInt(60) - 5);
        case 1 -> Double.toString(random.nextInt(600) / 100.0);
        case 2 -> random.nextInt(3) + "." + random.nextInt(3) + "." + random.nextInt(3);
        default -> quoted(string());
      };
      default -> anyLiteral();
    };
  }

  private String anyLiteral() {
    return switch (random.nextInt(7)) {
      case 0, 1 -> quoted(string());
      case 2 -> Integer.toString(random.nextInt(60) - 5);
      case 3 -> Double.toString(random.nextInt(600) / 100.0);
      case 4 -> random.nextBoolean() ? "true" : "false";
      case 5 -> random.nextInt(3) + "." + random.nextInt(3) + "." + random.nextInt(3);
      default -> random.nextInt(4) == 0 ? "null" : quoted(string());
    };
  }

  private String nikunjyList() {
    List<String> items = new ArrayList<>();
    boolean numbers = random.nextInt(3) == 0;
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      items.add(numbers ? Integer.toString(18 + random.nextInt(40)) : quoted(string()));
    }
    return "[" + String.join(", ", items) + "]";
  }

  private static String quoted(String text) {
    return "\"" + text + "\"";
  }

  String jsonLogic() {
    try {
      return JSON.writeValueAsString(logic(0));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Object logic(int depth) {
    int kind = random.nextInt(depth < 2 ? 13 : 7);
    return switch (kind) {
      case 0, 1, 2, 3 -> operation(JSONLOGIC_COMPARISONS[random.nextInt(JSONLOGIC_COMPARISONS.length)], operand(depth), operand(depth));
      case 4 -> operation("in", random.nextBoolean() ? string() : operand(depth), operand(depth));
      case 5 -> operation(random.nextBoolean() ? "!" : "!!", var());
      case 6 -> operation("<", operand(depth), operand(depth), operand(depth));
      case 7 -> operation(random.nextBoolean() ? "and" : "or", logic(depth + 1), logic(depth + 1));
      case 8 -> operation("if", logic(depth + 1), logic(depth + 1), random.nextBoolean());
      case 9 -> operation(random.nextBoolean() ? "some" : random.nextBoolean() ? "all" : "none", var(),
          operation(">", Map.of("var", ""), random.nextInt(50)));
      case 10 -> operation("!", operation("missing", path(), path()));
      case 11 -> operation("==", operation("substr", var(), random.nextInt(3)), string());
      default -> arithmetic();
    };
  }

  private Object operand(int depth) {
    return switch (random.nextInt(depth < 2 ? 9 : 7)) {
      case 0, 1, 2 -> var();
      case 3 -> string();
      case 4 -> random.nextInt(60) - 5;
      case 5 -> random.nextInt(600) / 100.0;
      case 6 -> random.nextInt(5) == 0 ? null : random.nextBoolean();
      case 7 -> arithmetic();
      default -> operation("cat", var(), string());
    };
  }

  private Map<String, Object> arithmetic() {
    String[] operators = {"+", "-", "*", "/", "%", "max", "min"};
    Object[] arguments = new Object[1 + random.nextInt(3)];
    for (int i = 0; i < arguments.length; i++) {
      arguments[i] = random.nextBoolean() ? var() : random.nextInt(4) == 0 ? string() : random.nextInt(6);
    }
    String operator = operators[random.nextInt(operators.length)];
    // One argument not in an array: "*" of a scalar is something truthy on the relay that is not the scalar (unresolved).
    return operator.equals("*") || random.nextInt(4) > 0
        ? operation(operator, java.util.Arrays.asList(arguments))
        : operation(operator, arguments);
  }

  private Map<String, Object> var() {
    return random.nextInt(5) == 0
        ? Map.of("var", List.of(path(), random.nextInt(40)))
        : Map.of("var", path());
  }

  private static Map<String, Object> operation(String operator, Object... arguments) {
    Map<String, Object> operation = new LinkedHashMap<>();
    operation.put(operator, arguments.length == 1 ? arguments[0] : java.util.Arrays.asList(arguments));
    return operation;
  }

  /**
   * An attribute path for nikunjy: the relay's lexer does not take non-ASCII letters, and a query
   * that is malformed only in a part the relay short-circuits past is applied by the relay and
   * never by the engine (a documented difference), so nikunjy queries name ASCII paths only.
   */
  private String asciiPath() {
    String path = path();
    return path.chars().allMatch(c -> c < 128) ? path : "email";
  }

  private String path() {
    return PATHS[random.nextInt(PATHS.length)];
  }

  private String string() {
    return STRINGS[random.nextInt(STRINGS.length)];
  }
}
