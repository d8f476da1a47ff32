package dev.flagrelay.it.conformance.glue;

import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Converts between parsed JSON (maps, lists, boxed scalars) and OpenFeature {@link Value}s, and compares JSON. */
final class JsonValues {
  private JsonValues() {}

  static Value toValue(Object json) {
    if (json == null) {
      return new Value();
    }
    if (json instanceof Map<?, ?> map) {
      Map<String, Value> fields = new HashMap<>();
      map.forEach((key, value) -> fields.put(String.valueOf(key), toValue(value)));
      return new Value(new ImmutableStructure(fields));
    }
    if (json instanceof List<?> list) {
      List<Value> items = new ArrayList<>();
      list.forEach(item -> items.add(toValue(item)));
      return new Value(items);
    }
    if (json instanceof BigDecimal number) {
      return new Value(number.doubleValue()); // WireMock's Jackson reads JSON floats as BigDecimal.
    }
    if (json instanceof Number || json instanceof Boolean || json instanceof String) {
      return Value.objectToValue(json); // Integer, Long or Double: Value takes each as it is.
    }
    throw new IllegalArgumentException("not a JSON value: " + json);
  }

  static Object toPlain(Value value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isStructure()) {
      Structure structure = value.asStructure();
      Map<String, Object> map = new HashMap<>();
      structure.keySet().forEach(key -> map.put(key, toPlain(structure.getValue(key))));
      return map;
    }
    if (value.isList()) {
      List<Object> list = new ArrayList<>();
      value.asList().forEach(item -> list.add(toPlain(item)));
      return list;
    }
    return value.asObject();
  }

  /** Equal as JSON: numbers by numeric value (100 equals 100.0), maps regardless of order. */
  static boolean sameJson(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(key -> sameJson(x.get(key), y.get(key)));
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameJson(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a == null ? b == null : a.equals(b);
  }
}
