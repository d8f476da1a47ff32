package dev.flagrelay.engine.internal.query;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The value semantics of GOFF's JsonLogic library, as observed on the relay: numbers are doubles,
 * truthiness, loose and strict equality, ordering, and the conversions of the operators.
 */
final class JsValues {

  private JsValues() {}

  /** A context value as JsonLogic sees it: every number a Double. */
  static Object normalize(Object value) {
    return value instanceof Number n && !(value instanceof Double) ? n.doubleValue() : value;
  }

  /** False for false, null, "", 0 (and NaN), []; true for anything else, {} included. */
  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      return d != 0 && !Double.isNaN(d);
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof List<?> list) {
      return !list.isEmpty();
    }
    return true;
  }

  /** {@code ===}: same kind and value; arrays and objects are never equal. */
  static boolean strictEquals(Object a, Object b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof String || a instanceof Boolean) {
      return a.equals(b);
    }
    return false;
  }

  /**
   * {@code ==}: null equals only null, arrays and objects equal nothing, a boolean counts as 1 or
   * 0, a string compared with a number is read as a number ({@code ""} is 0).
   */
  static boolean looseEquals(Object a, Object b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    if (isComposite(a) || isComposite(b)) {
      return false;
    }
    if (a.getClass() == b.getClass() || (a instanceof Number && b instanceof Number)) {
      return strictEquals(a, b);
    }
    if (a instanceof Boolean x) {
      return looseEquals(x ? 1.0 : 0.0, b);
    }
    if (b instanceof Boolean y) {
      return looseEquals(a, y ? 1.0 : 0.0);
    }
    return strictNumber(a) == strictNumber(b);
  }

  /** {@code <}: two strings compare as strings, anything else as numbers (null is 0). */
  static boolean lessThan(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return GoStrings.compare(x, y) < 0;
    }
    return strictNumber(a) < strictNumber(b);
  }

  static boolean lessOrEqual(Object a, Object b) {
    return lessThan(a, b) || looseEquals(a, b);
  }

  /** The number a comparison reads: NaN when the value is not one. */
  static double strictNumber(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v instanceof String s) {
      return s.isEmpty() ? 0 : parse(s);
    }
    return Double.NaN;
  }

  /** The number arithmetic reads: 0 when the value is not one. */
  static double lenientNumber(Object v) {
    double d = strictNumber(v);
    return Double.isNaN(d) && !(v instanceof Double) ? 0 : d;
  }

  /** Go's decimal float syntax: sign, digits with an optional point, optional exponent; else NaN. */
  static double parse(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    String rest = s.substring(i).toLowerCase(java.util.Locale.ROOT);
    if (rest.equals("inf") || rest.equals("infinity")) {
      return s.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (rest.equals("nan")) {
      return Double.NaN;
    }
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exponentDigits = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        exponentDigits++;
      }
      if (exponentDigits == 0) {
        return Double.NaN;
      }
    }
    return i == n ? Double.parseDouble(s) : Double.NaN;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The text {@code cat} and {@code substr} use: strings as they are, numbers in plain notation. */
  static String text(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number n) {
      return plain(n.doubleValue());
    }
    throw JsonLogicNode.EvaluationError.INSTANCE;
  }

  static String plain(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
  }

  static boolean isComposite(Object v) {
    return v instanceof List<?> || v instanceof Map<?, ?>;
  }
}
