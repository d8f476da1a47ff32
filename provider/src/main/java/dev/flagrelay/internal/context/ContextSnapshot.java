package dev.flagrelay.internal.context;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable deep copy of an evaluation context, compared by full value equality.
 *
 * <p>Taken on the calling thread: the SDK hands providers a context with unsynchronised lazy
 * caches that may point at a {@code MutableContext} the application keeps changing. After the
 * copy nothing refers to the caller's objects. Values are {@code String}, {@code Boolean}, {@code
 * Integer}, {@code Long}, {@code Double}, {@code Instant}, null, and unmodifiable {@code List}s
 * and {@code Map}s of those.
 */
public final class ContextSnapshot {
  public static final String TARGETING_KEY = "targetingKey";
  public static final ContextSnapshot EMPTY = new ContextSnapshot(Map.of());
  private static final int MAX_COPY_ATTEMPTS = 8;

  private final Map<String, Object> attributes;
  private final int hash;

  private ContextSnapshot(Map<String, Object> attributes) {
    this.attributes = attributes;
    this.hash = attributes.hashCode();
  }

  /**
   * Copies {@code context}. A context that another thread changes while it is read is read again,
   * a bounded number of times.
   *
   * @throws ConcurrentModificationException when every attempt raced with a writer
   */
  public static ContextSnapshot of(EvaluationContext context) {
    if (context == null) {
      return EMPTY;
    }
    ConcurrentModificationException last = null;
    for (int attempt = 0; attempt < MAX_COPY_ATTEMPTS; attempt++) {
      try {
        return copy(context);
      } catch (ConcurrentModificationException | NullPointerException e) {
        // A HashMap resized or emptied under us by the caller's own thread; read it again.
        last = new ConcurrentModificationException("evaluation context changed while read", e);
      }
    }
    throw last;
  }

  /** Builds a snapshot from plain values, as {@link #of} would store them. For tests and tools. */
  public static ContextSnapshot ofAttributes(Map<String, ?> attributes) {
    return new ContextSnapshot(freezeMap(attributes));
  }

  private static ContextSnapshot copy(EvaluationContext context) {
    Map<String, Value> source = context.asUnmodifiableMap();
    Map<String, Object> copy = new HashMap<>(Math.max(4, source.size() * 2));
    for (Map.Entry<String, Value> entry : source.entrySet()) {
      copy.put(entry.getKey(), freeze(entry.getValue()));
    }
    String targetingKey = context.getTargetingKey();
    if (targetingKey != null && !copy.containsKey(TARGETING_KEY)) {
      copy.put(TARGETING_KEY, targetingKey);
    }
    if (copy.isEmpty()) {
      return EMPTY;
    }
    return new ContextSnapshot(Collections.unmodifiableMap(copy));
  }

  private static Object freeze(Value value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isStructure()) {
      return freezeStructure(value.asStructure());
    }
    if (value.isList()) {
      List<Value> source = value.asList();
      List<Object> copy = new ArrayList<>(source.size());
      for (Value item : source) {
        copy.add(freeze(item));
      }
      return Collections.unmodifiableList(copy);
    }
    // Boolean, String, Integer, Long, Double and Instant are immutable already.
    return value.asObject();
  }

  private static Map<String, Object> freezeStructure(Structure structure) {
    Map<String, Value> source = structure.asUnmodifiableMap();
    Map<String, Object> copy = new HashMap<>(Math.max(4, source.size() * 2));
    for (Map.Entry<String, Value> entry : source.entrySet()) {
      copy.put(entry.getKey(), freeze(entry.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }

  @SuppressWarnings("unchecked")
  private static Object freezePlain(Object value) {
    if (value instanceof Map) {
      return freezeMap((Map<String, ?>) value);
    }
    if (value instanceof List) {
      List<Object> copy = new ArrayList<>();
      for (Object item : (List<?>) value) {
        copy.add(freezePlain(item));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  private static Map<String, Object> freezeMap(Map<String, ?> source) {
    Map<String, Object> copy = new HashMap<>();
    for (Map.Entry<String, ?> entry : source.entrySet()) {
      copy.put(entry.getKey(), freezePlain(entry.getValue()));
    }
    return Collections.unmodifiableMap(copy);
  }

  /** The attributes, targeting key included under {@value #TARGETING_KEY}; unmodifiable. */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** The targeting key if it is a string, else null. */
  public String targetingKey() {
    Object key = attributes.get(TARGETING_KEY);
    return key instanceof String ? (String) key : null;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ContextSnapshot
        && hash == ((ContextSnapshot) other).hash
        && attributes.equals(((ContextSnapshot) other).attributes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "ContextSnapshot" + attributes;
  }
}
