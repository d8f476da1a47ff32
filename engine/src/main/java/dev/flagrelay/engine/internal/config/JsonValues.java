package dev.flagrelay.engine.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON trees as plain, unmodifiable Java values, and the limits a flag's JSON must respect. */
final class JsonValues {
  /** Deepest nesting accepted in one flag (objects and arrays). */
  static final int MAX_DEPTH = 128;

  private JsonValues() {}

  /**
   * {@code node} as a plain Java value: {@code null}, {@code Boolean}, {@code String}, {@code Long}
   * (integral numbers that fit), {@code Double} (every other number), unmodifiable {@code List}
   * and {@code Map} (insertion-ordered, {@code null} values allowed).
   */
  static Object toJava(JsonNode node) {
    return switch (node.getNodeType()) {
      case NULL, MISSING -> null;
      case BOOLEAN -> node.booleanValue();
      case STRING -> node.textValue();
      case NUMBER -> number(node);
      case ARRAY -> list(node);
      case OBJECT -> map(node);
      default -> node.toString();
    };
  }

  static Map<String, Object> map(JsonNode object) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      map.put(field.getKey(), toJava(field.getValue()));
    }
    return Collections.unmodifiableMap(map);
  }

  private static List<Object> list(JsonNode array) {
    List<Object> list = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      list.add(toJava(element));
    }
    return Collections.unmodifiableList(list);
  }

  private static Object number(JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    return node.doubleValue();
  }

  /**
   * Checks the limits, without recursion: nesting at most {@link #MAX_DEPTH}, every number finite
   * (Go's JSON decoder refuses NaN, infinities and numbers beyond a double's range).
   */
  static void checkLimits(JsonNode root) throws InvalidFlagException {
    Deque<JsonNode> nodes = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    nodes.push(root);
    depths.push(0);
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      int depth = depths.pop();
      if (depth > MAX_DEPTH) {
        throw new InvalidFlagException("nested deeper than " + MAX_DEPTH + " levels");
      }
      if (node.isNumber() && !Double.isFinite(node.doubleValue())) {
        throw new InvalidFlagException("number out of range: " + node.asText());
      }
      for (JsonNode child : node) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
}
