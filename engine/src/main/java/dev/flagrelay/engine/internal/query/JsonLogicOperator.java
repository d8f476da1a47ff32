package dev.flagrelay.engine.internal.query;

import dev.flagrelay.engine.internal.query.JsonLogicNode.EvaluationError;
import dev.flagrelay.engine.internal.query.JsonLogicNode.Operation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The operators GOFF's JsonLogic library registers; no other operator exists. */
enum JsonLogicOperator {
  AND("and") {
    @Override
    Object apply(Operation op, Object data) {
      Object last = null;
      for (JsonLogicNode arg : op.args()) {
        last = arg.eval(data);
        if (!JsValues.truthy(last)) {
          return last;
        }
      }
      return last;
    }
  },
  OR("or") {
    @Override
    Object apply(Operation op, Object data) {
      Object last = null;
      for (JsonLogicNode arg : op.args()) {
        last = arg.eval(data);
        if (JsValues.truthy(last)) {
          return last;
        }
      }
      return last;
    }
  },
  FILTER("filter") {
    @Override
    Object apply(Operation op, Object data) {
      List<Object> out = new ArrayList<>();
      for (Object item : JsonLogicNode.iterated(op.arg(0, data))) {
        if (JsValues.truthy(op.arg(1, JsValues.normalize(item)))) {
          out.add(item);
        }
      }
      return out;
    }
  },
  MAP("map") {
    @Override
    Object apply(Operation op, Object data) {
      List<Object> out = new ArrayList<>();
      for (Object item : JsonLogicNode.iterated(op.arg(0, data))) {
        out.add(op.arg(1, JsValues.normalize(item)));
      }
      return out;
    }
  },
  REDUCE("reduce") {
    @Override
    Object apply(Operation op, Object data) {
      List<?> items = JsonLogicNode.iterated(op.arg(0, data));
      Object accumulator = op.arg(2, data);
      for (Object item : items) {
        accumulator = op.arg(1, JsonLogicNode.reduceScope(item, accumulator));
      }
      return accumulator;
    }
  },
  ALL("all") {
    @Override
    Object apply(Operation op, Object data) {
      List<?> items = JsonLogicNode.quantified(op.arg(0, data));
      for (Object item : items) {
        if (!JsValues.truthy(op.arg(1, JsValues.normalize(item)))) {
          return false;
        }
      }
      return !items.isEmpty();
    }
  },
  NONE("none") {
    @Override
    Object apply(Operation op, Object data) {
      return !someTruthy(op, data);
    }
  },
  SOME("some") {
    @Override
    Object apply(Operation op, Object data) {
      return someTruthy(op, data);
    }
  },
  IN("in") {
    @Override
    Object apply(Operation op, Object data) {
      Object needle = op.arg(0, data);
      Object haystack = op.arg(1, data);
      if (haystack instanceof String s) {
        if (!(needle instanceof String text)) {
          throw EvaluationError.INSTANCE; // the relay fails on a needle that is no string (seed 118)
        }
        return s.contains(text);
      }
      for (Object item : JsonLogicNode.items(haystack)) {
        if (JsValues.strictEquals(needle, JsValues.normalize(item))) {
          return true;
        }
      }
      return false;
    }
  },
  MISSING("missing") {
    @Override
    Object apply(Operation op, Object data) {
      List<Object> keys = evalAll(op, data);
      if (!keys.isEmpty() && keys.get(0) instanceof List<?> list) {
        keys = new ArrayList<>(list);
      }
      return missingKeys(keys, data);
    }
  },
  MISSING_SOME("missing_some") {
    @Override
    Object apply(Operation op, Object data) {
      double need = JsValues.lenientNumber(op.arg(0, data));
      List<?> keys = JsonLogicNode.items(op.arg(1, data));
      List<Object> missing = missingKeys(keys, data);
      return keys.size() - missing.size() >= need ? new ArrayList<>() : missing;
    }
  },
  VAR("var") {
    @Override
    Object apply(Operation op, Object data) {
      Object path = op.arg(0, data);
      Object value = path == null ? JsValues.normalize(data) : JsonLogicNode.lookup(data, pathText(path));
      return value == null && op.args().length > 1 ? op.arg(1, data) : value;
    }
  },
  SET("set") {
    /** Observed on the relay: with an array of arguments, the first; otherwise null. */
    @Override
    Object apply(Operation op, Object data) {
      return op.argsWereArray() ? op.arg(0, data) : null;
    }
  },
  CAT("cat") {
    @Override
    Object apply(Operation op, Object data) {
      StringBuilder out = new StringBuilder();
      for (JsonLogicNode arg : op.args()) {
        out.append(textOrEmpty(arg.eval(data)));
      }
      return out.toString();
    }
  },
  SUBSTR("substr") {
    @Override
    Object apply(Operation op, Object data) {
      Object value = op.arg(0, data);
      String s = value == null ? "" : JsValues.text(value);
      if (s.isEmpty()) {
        return ""; // whatever the start and length (seen on the relay, seeds 119 and 125)
      }
      int length = s.codePointCount(0, s.length());
      int start = (int) start(JsValues.lenientNumber(op.arg(1, data)), length);
      int end = length;
      if (op.args().length > 2) {
        double count = JsValues.lenientNumber(op.arg(2, data));
        end = count < 0 ? (int) (length + count) : (int) Math.min(length, start + count);
      }
      if (end < start) {
        throw EvaluationError.INSTANCE; // the relay fails on a length that ends before the start (seed 119)
      }
      return s.substring(s.offsetByCodePoints(0, start), s.offsetByCodePoints(0, end));
    }
  },
  MERGE("merge") {
    @Override
    Object apply(Operation op, Object data) {
      List<Object> out = new ArrayList<>();
      for (JsonLogicNode arg : op.args()) {
        Object value = arg.eval(data);
        if (value instanceof List<?> list) {
          out.addAll(list);
        } else {
          out.add(value);
        }
      }
      return out;
    }
  },
  IF("if") {
    @Override
    Object apply(Operation op, Object data) {
      JsonLogicNode[] args = op.args();
      int i = 0;
      for (; i + 1 < args.length; i += 2) {
        if (JsValues.truthy(args[i].eval(data))) {
          return args[i + 1].eval(data);
        }
      }
      return i < args.length ? args[i].eval(data) : null;
    }
  },
  MAX("max") {
    @Override
    Object apply(Operation op, Object data) {
      return extreme(op, data, true);
    }
  },
  MIN("min") {
    @Override
    Object apply(Operation op, Object data) {
      return extreme(op, data, false);
    }
  },
  PLUS("+") {
    @Override
    Object apply(Operation op, Object data) {
      double sum = 0;
      for (JsonLogicNode arg : op.args()) {
        sum += operand(arg.eval(data));
      }
      return sum;
    }
  },
  MINUS("-") {
    @Override
    Object apply(Operation op, Object data) {
      JsonLogicNode[] args = op.args();
      if (args.length == 0 || !op.argsWereArray()) {
        return Double.NaN;
      }
      double result = operand(args[0].eval(data));
      if (args.length == 1) {
        return -result;
      }
      for (int i = 1; i < args.length; i++) {
        result -= operand(args[i].eval(data));
      }
      return result;
    }
  },
  TIMES("*") {
    @Override
    Object apply(Operation op, Object data) {
      if (op.args().length == 0) {
        return null;
      }
      double product = 1;
      for (JsonLogicNode arg : op.args()) {
        product *= operand(arg.eval(data));
      }
      return product;
    }
  },
  DIVIDE("/") {
    @Override
    Object apply(Operation op, Object data) {
      JsonLogicNode[] args = op.args();
      if (args.length == 0 || !op.argsWereArray()) {
        return Double.NaN;
      }
      double quotient = operand(args[0].eval(data));
      for (int i = 1; i < args.length; i++) {
        quotient /= operand(args[i].eval(data)); // IEEE: x/0 is ±Infinity or NaN, as in Go
      }
      return quotient;
    }
  },
  MODULO("%") {
    @Override
    Object apply(Operation op, Object data) {
      return operand(op.arg(0, data)) % operand(op.arg(1, data)); // x%0 is NaN, as Go's math.Mod
    }
  },
  ABS("abs") {
    @Override
    Object apply(Operation op, Object data) {
      return Math.abs(operand(op.arg(0, data)));
    }
  },
  NOT("!") {
    @Override
    Object apply(Operation op, Object data) {
      return !JsValues.truthy(negated(op, data));
    }
  },
  NOT_NOT("!!") {
    @Override
    Object apply(Operation op, Object data) {
      return JsValues.truthy(negated(op, data));
    }
  },
  STRICT_EQUAL("===") {
    @Override
    Object apply(Operation op, Object data) {
      return JsValues.strictEquals(op.arg(0, data), op.arg(1, data));
    }
  },
  STRICT_NOT_EQUAL("!==") {
    @Override
    Object apply(Operation op, Object data) {
      return !JsValues.strictEquals(op.arg(0, data), op.arg(1, data));
    }
  },
  LESS("<") {
    @Override
    Object apply(Operation op, Object data) {
      Object a = op.arg(0, data);
      Object b = op.arg(1, data);
      if (op.args().length < 3) {
        return JsValues.lessThan(a, b);
      }
      Object c = op.arg(2, data); // every argument is evaluated, as on the relay (no short-circuit)
      return JsValues.lessThan(a, b) && JsValues.lessThan(b, c);
    }
  },
  LESS_OR_EQUAL("<=") {
    @Override
    Object apply(Operation op, Object data) {
      Object a = op.arg(0, data);
      Object b = op.arg(1, data);
      if (op.args().length < 3) {
        return JsValues.lessOrEqual(a, b);
      }
      Object c = op.arg(2, data); // every argument is evaluated, as on the relay (no short-circuit)
      return JsValues.lessOrEqual(a, b) && JsValues.lessOrEqual(b, c);
    }
  },
  GREATER(">") {
    @Override
    Object apply(Operation op, Object data) {
      return JsValues.lessThan(op.arg(1, data), op.arg(0, data));
    }
  },
  GREATER_OR_EQUAL(">=") {
    @Override
    Object apply(Operation op, Object data) {
      Object a = op.arg(0, data);
      Object b = op.arg(1, data);
      return JsValues.lessThan(b, a) || JsValues.looseEquals(a, b);
    }
  },
  EQUAL("==") {
    @Override
    Object apply(Operation op, Object data) {
      return JsValues.looseEquals(op.arg(0, data), op.arg(1, data));
    }
  },
  NOT_EQUAL("!=") {
    @Override
    Object apply(Operation op, Object data) {
      return !JsValues.looseEquals(op.arg(0, data), op.arg(1, data));
    }
  };

  private static final Map<String, JsonLogicOperator> BY_NAME = new HashMap<>();

  static {
    for (JsonLogicOperator operator : values()) {
      BY_NAME.put(operator.symbol, operator);
    }
  }

  private final String symbol;

  JsonLogicOperator(String symbol) {
    this.symbol = symbol;
  }

  /** The operator named {@code name}, or null: GOFF's library knows no other. */
  static JsonLogicOperator named(String name) {
    return BY_NAME.get(name);
  }

  abstract Object apply(Operation op, Object data);

  /**
   * Whether one argument not written in an array that gives an array stands for the argument
   * list: arithmetic and {@code cat} (seen on the relay, seed 123).
   */
  boolean spreadsAnArray() {
    return switch (this) {
      case PLUS, MINUS, TIMES, DIVIDE, MODULO, MAX, MIN, CAT -> true;
      default -> false;
    };
  }

  /** The text {@code cat} reads: null is "", a boolean, array or object an error. */
  private static String textOrEmpty(Object value) {
    return value == null ? "" : JsValues.text(value);
  }

  /**
   * The value {@code !} and {@code !!} test: their first argument, except that one argument not
   * written in an array that gives an array stands for the argument list (its first item is read).
   */
  private static Object negated(Operation op, Object data) {
    Object value = op.arg(0, data);
    if (!op.argsWereArray() && value instanceof List<?> list) {
      return list.isEmpty() ? null : list.get(0);
    }
    return value;
  }

  private static boolean someTruthy(Operation op, Object data) {
    for (Object item : JsonLogicNode.quantified(op.arg(0, data))) {
      if (JsValues.truthy(op.arg(1, JsValues.normalize(item)))) {
        return true;
      }
    }
    return false;
  }

  private static List<Object> evalAll(Operation op, Object data) {
    List<Object> values = new ArrayList<>(op.args().length);
    for (JsonLogicNode arg : op.args()) {
      values.add(arg.eval(data));
    }
    return values;
  }

  private static List<Object> missingKeys(List<?> keys, Object data) {
    List<Object> missing = new ArrayList<>();
    for (Object key : keys) {
      if (key == null || JsonLogicNode.lookup(data, pathText(key)) == null) {
        missing.add(key);
      }
    }
    return missing;
  }

  private static String pathText(Object path) {
    if (path instanceof String s) {
      return s;
    }
    if (path instanceof Number n) {
      return JsValues.plain(n.doubleValue());
    }
    throw EvaluationError.INSTANCE;
  }

  private static Object extreme(Operation op, Object data, boolean max) {
    if (op.args().length == 0 || !op.argsWereArray()) {
      return null;
    }
    double best = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    for (JsonLogicNode arg : op.args()) {
      double d = operand(arg.eval(data));
      best = max ? Math.max(best, d) : Math.min(best, d);
    }
    return best;
  }

  /**
   * A number operand of arithmetic ({@code + - * / % abs max min}), as the relay reads it: strings
   * leniently (not a number: 0); a boolean, null, array or object is an error (the rule is not
   * applied).
   */
  private static double operand(Object value) {
    if (value == null || value instanceof Boolean || JsValues.isComposite(value)) {
      throw EvaluationError.INSTANCE;
    }
    return JsValues.lenientNumber(value);
  }

  /** Where {@code substr} starts: from the end when negative (at most back to 0); after the end is an error (seed 119). */
  private static double start(double start, int length) {
    double from = start < 0 ? Math.max(0, length + start) : start;
    if (from > length) {
      throw EvaluationError.INSTANCE;
    }
    return from;
  }
}
