package dev.flagrelay.engine.internal.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** Builds the context a query sees from an evaluation context. */
public final class QueryContext {

  static final String TARGETING_KEY = "targetingKey";
  static final String KEY = "key";
  static final String ANONYMOUS = "anonymous";

  private QueryContext() {}

  /**
   * The context queries see: every attribute of {@code evaluationContext} (enrichment already
   * applied by the caller), plus {@code anonymous} (the boolean attribute of that name, else
   * false), and {@code key} and {@code targetingKey}, both the targeting key (a string found under
   * {@code "targetingKey"}, else empty). Top-level integral numbers become {@code Long}, every
   * other top-level number {@code Double}; nested values are not copied (queries read nested
   * numbers as doubles).
   *
   * @param evaluationContext attributes as plain Java values (String, Boolean, Number, List, Map,
   *     null), the targeting key under {@code "targetingKey"}
   */
  public static Map<String, Object> of(Map<String, Object> evaluationContext) {
    Map<String, Object> view = new HashMap<>(capacity(evaluationContext.size() + 3));
    for (Map.Entry<String, Object> e : evaluationContext.entrySet()) {
      view.put(e.getKey(), topLevel(e.getValue()));
    }
    Object targetingKey = evaluationContext.get(TARGETING_KEY);
    String key = targetingKey instanceof String s ? s : "";
    view.put(TARGETING_KEY, key);
    view.put(KEY, key);
    view.put(ANONYMOUS, evaluationContext.get(ANONYMOUS) instanceof Boolean b ? b : Boolean.FALSE);
    return Collections.unmodifiableMap(view);
  }

  private static int capacity(int entries) {
    return entries * 4 / 3 + 1;
  }

  /** A top-level value as queries see it: integral numbers as Long, other numbers as Double. */
  static Object topLevel(Object value) {
    if (!(value instanceof Number n) || value instanceof Long) {
      return value;
    }
    if (n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return n.longValue();
    }
    if (n instanceof BigInteger big) {
      return big.bitLength() < 64 ? (Object) big.longValue() : (Object) big.doubleValue();
    }
    if (n instanceof BigDecimal dec) {
      return integralOrDouble(dec);
    }
    return integralOrDouble(n.doubleValue());
  }

  /** A nested value's number as queries see it: always a Double. */
  static Object nested(Object value) {
    return value instanceof Number n && !(value instanceof Double) ? n.doubleValue() : value;
  }

  private static Object integralOrDouble(BigDecimal dec) {
    try {
      return dec.longValueExact();
    } catch (ArithmeticException notIntegralOrTooBig) {
      return dec.doubleValue();
    }
  }

  private static Object integralOrDouble(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p63) {
      return (long) d;
    }
    return d;
  }
}
