package dev.flagrelay.engine.internal.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One node of a compiled JsonLogic rule: evaluates against the data in scope. Immutable. */
interface JsonLogicNode {

  Object eval(Object data);

  /** A literal: string, Double, Boolean or null. */
  record Constant(Object value) implements JsonLogicNode {
    @Override
    public Object eval(Object data) {
      return value;
    }
  }

  /** An array literal whose items may be rules. */
  record Array(JsonLogicNode[] items) implements JsonLogicNode {
    @Override
    public Object eval(Object data) {
      List<Object> out = new ArrayList<>(items.length);
      for (JsonLogicNode item : items) {
        out.add(item.eval(data));
      }
      return out;
    }
  }

  /** {@code {"op": args}}. */
  record Operation(JsonLogicOperator operator, JsonLogicNode[] args, boolean argsWereArray)
      implements JsonLogicNode {
    @Override
    public Object eval(Object data) {
      if (argsWereArray || args.length != 1 || !operator.spreadsAnArray()) {
        return operator.apply(this, data);
      }
      Object value = args[0].eval(data);
      return operator.apply(value instanceof List<?> list ? spread(list) : constant(value), data);
    }

    /** The items of an array-valued single argument as the argument list (seen on the relay, seed 123). */
    private Operation spread(List<?> items) {
      JsonLogicNode[] values = new JsonLogicNode[items.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = new Constant(JsValues.normalize(items.get(i)));
      }
      return new Operation(operator, values, true);
    }

    private Operation constant(Object value) {
      return new Operation(operator, new JsonLogicNode[] {new Constant(value)}, false);
    }

    Object arg(int i, Object data) {
      return i < args.length ? args[i].eval(data) : null;
    }
  }

  /** The rule cannot be evaluated for this data: the rule is not applied. No stack trace. */
  final class EvaluationError extends RuntimeException {
    static final EvaluationError INSTANCE = new EvaluationError();

    private EvaluationError() {
      super("JsonLogic evaluation failed", null, false, false);
    }
  }

  /** The value at a dotted path ("" is the data itself), numbers as doubles, null when absent. */
  static Object lookup(Object data, String path) {
    if (path.isEmpty()) {
      return JsValues.normalize(data);
    }
    Object current = data;
    int start = 0;
    while (current != null) {
      int dot = path.indexOf('.', start);
      String segment = dot < 0 ? path.substring(start) : path.substring(start, dot);
      current = child(current, segment);
      if (dot < 0) {
        return JsValues.normalize(current);
      }
      start = dot + 1;
    }
    return null;
  }

  private static Object child(Object parent, String segment) {
    if (parent instanceof Map<?, ?> map) {
      return map.get(segment);
    }
    if (parent instanceof List<?> list) {
      try {
        int index = Integer.parseInt(segment);
        return index >= 0 && index < list.size() ? list.get(index) : null;
      } catch (NumberFormatException notAnIndex) {
        return null;
      }
    }
    return null;
  }

  /** The items of a value used as an array (not an array: none). */
  static List<?> items(Object value) {
    return value instanceof List<?> list ? list : Collections.emptyList();
  }

  /**
   * The items {@code all}, {@code some}, {@code none}, {@code filter}, {@code map} and {@code
   * reduce} iterate over: none for null; a value that is not an array is an error.
   */
  static List<?> iterated(Object value) {
    if (value == null) {
      return Collections.emptyList();
    }
    if (value instanceof List<?> list) {
      return list;
    }
    throw EvaluationError.INSTANCE;
  }

  /**
   * The items {@code all}, {@code some} and {@code none} iterate over: none for a falsy value or
   * an empty object; a value that is not an array is an error.
   */
  static List<?> quantified(Object value) {
    if (value instanceof List<?> list) {
      return list;
    }
    if (!JsValues.truthy(value) || value instanceof Map<?, ?> map && map.isEmpty()) {
      return Collections.emptyList();
    }
    throw EvaluationError.INSTANCE;
  }

  /** The data {@code reduce} evaluates its rule against. */
  static Map<String, Object> reduceScope(Object current, Object accumulator) {
    Map<String, Object> scope = new HashMap<>(4);
    scope.put("current", JsValues.normalize(current));
    scope.put("accumulator", accumulator);
    return scope;
  }
}
