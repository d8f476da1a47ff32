package dev.flagrelay.internal.evaluation;

import dev.flagrelay.internal.context.ContextSnapshot;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attributes of a context snapshot as the engine reads them: as the relay reads them from an
 * OFREP request. The targeting key is not among them (the engine takes it apart) and instants are
 * RFC 3339 text, as the request's JSON carries them.
 *
 * <p>Design: a view that copies nothing. A lookup reads the snapshot (a binary search) and converts
 * only what it returns: an instant to its text, a structure or list holding an instant to a copy
 * with the instants as text (anything else is returned as stored, already immutable). Iterating
 * it, which queries rarely do, builds that converted copy of every attribute once. For one
 * evaluation on one thread; the snapshot never changes.
 */
final class EngineAttributes extends AbstractMap<String, Object> {
  private final ContextSnapshot context;
  private Map<String, Object> copy;

  EngineAttributes(ContextSnapshot context) {
    this.context = context;
  }

  @Override
  public Object get(Object key) {
    return isAttribute(key) ? asSent(context.get((String) key)) : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return isAttribute(key) && context.contains((String) key);
  }

  @Override
  public int size() {
    return context.contains(ContextSnapshot.TARGETING_KEY) ? context.size() - 1 : context.size();
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    if (copy == null) {
      copy = copy(context);
    }
    return copy.entrySet();
  }

  private static boolean isAttribute(Object key) {
    return key instanceof String name && !name.equals(ContextSnapshot.TARGETING_KEY);
  }

  /** Every attribute but the targeting key, converted; what the view answers, as a map. */
  static Map<String, Object> copy(ContextSnapshot context) {
    Map<String, Object> attributes = context.attributes();
    Map<String, Object> plain = new HashMap<>(attributes.size() * 2);
    for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
      if (!attribute.getKey().equals(ContextSnapshot.TARGETING_KEY)) {
        plain.put(attribute.getKey(), instantsAsText(attribute.getValue()));
      }
    }
    return plain;
  }

  /** {@code value} as sent: converted only when it is or holds an instant. */
  private static Object asSent(Object value) {
    if (value instanceof Instant || (value instanceof Map || value instanceof List) && holdsInstant(value)) {
      return instantsAsText(value);
    }
    return value;
  }

  /** Bounded: snapshots nest at most {@link ContextSnapshot#MAX_DEPTH} deep. */
  private static boolean holdsInstant(Object value) {
    if (value instanceof Instant) {
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      for (Object item : map.values()) {
        if (holdsInstant(item)) {
          return true;
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        if (holdsInstant(item)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Object instantsAsText(Object value) {
    if (value instanceof Instant instant) {
      return instant.toString(); // As the JSON of an OFREP request carries it.
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new HashMap<>(map.size() * 2);
      map.forEach((key, item) -> copy.put(String.valueOf(key), instantsAsText(item)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(item -> copy.add(instantsAsText(item)));
      return copy;
    }
    return value;
  }
}
