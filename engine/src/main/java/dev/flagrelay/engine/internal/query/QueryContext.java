package dev.flagrelay.engine.internal.query;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

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

  /**
   * The same context as {@link #of} gives for the attributes with {@code enrichment} copied over
   * them and the targeting key under {@code "targetingKey"}, as a view that copies nothing: a
   * lookup reads the enrichment, then the attributes (top-level numbers converted on the way).
   * Iterating it builds the copy once. For one evaluation on one thread; the maps must not change
   * meanwhile.
   *
   * @param targetingKey the targeting key, {@code null} for none
   */
  public static Map<String, Object> of(String targetingKey, Map<String, ?> attributes, Map<String, ?> enrichment) {
    return new View(targetingKey == null ? "" : targetingKey, attributes, enrichment);
  }

  /** A read-only view of attributes under enrichment; see {@link #of(String, Map, Map)}. */
  private static final class View extends AbstractMap<String, Object> {
    private final String targetingKey;
    private final Map<String, ?> attributes;
    private final Map<String, ?> enrichment;
    private Map<String, Object> copy;

    View(String targetingKey, Map<String, ?> attributes, Map<String, ?> enrichment) {
      this.targetingKey = targetingKey;
      this.attributes = attributes;
      this.enrichment = enrichment;
    }

    @Override
    public Object get(Object name) {
      if (TARGETING_KEY.equals(name) || KEY.equals(name)) {
        return targetingKey;
      }
      if (ANONYMOUS.equals(name)) {
        return raw(ANONYMOUS) instanceof Boolean b ? b : Boolean.FALSE;
      }
      return topLevel(raw(name));
    }

    private Object raw(Object name) {
      Object enriched = enrichment.get(name);
      return enriched != null || enrichment.containsKey(name) ? enriched : attributes.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
      return TARGETING_KEY.equals(name) || KEY.equals(name) || ANONYMOUS.equals(name)
          || enrichment.containsKey(name) || attributes.containsKey(name);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      if (copy == null) {
        Map<String, Object> merged = new HashMap<>(capacity(attributes.size() + enrichment.size() + 1));
        merged.putAll(attributes);
        merged.putAll(enrichment);
        merged.put(TARGETING_KEY, targetingKey);
        copy = QueryContext.of(merged);
      }
      return copy.entrySet();
    }
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
