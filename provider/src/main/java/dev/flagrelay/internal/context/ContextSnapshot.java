package dev.flagrelay.internal.context;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable deep copy of an evaluation context, compared by full value equality.
 *
 * <p>Taken on the calling thread: the SDK hands providers a context with unsynchronised lazy
 * caches that may point at a {@code MutableContext} the application keeps changing. After the
 * copy nothing refers to the caller's objects. Values are {@code String}, {@code Boolean}, {@code
 * Integer}, {@code Long}, {@code Double}, {@code Instant}, null, and unmodifiable {@code List}s
 * and {@code Map}s of those.
 *
 * <p>Design: the attributes are two parallel arrays sorted by name, so a snapshot costs two small
 * arrays instead of a hash map, and equality is two array comparisons. A cached hit on an SDK
 * {@code ImmutableContext} builds no snapshot at all: {@link ContextProbe} hashes and compares the
 * SDK's own attributes against the cached snapshot, and a snapshot is only built on a miss. An {@code ImmutableContext} (alone, or as the only non-empty layer the SDK wraps) is
 * read without the SDK's defensive copies ({@link SdkContexts}); anything else is read key by key
 * ({@code keySet} and {@code getValue}), because the SDK's whole-map views deep-copy every layer.
 *
 * <p>Depth is bounded ({@link #MAX_DEPTH}): the SDK lets a {@code MutableStructure} or a list
 * contain itself and puts no limit on nesting, and an unbounded copy would throw {@code
 * StackOverflowError} into the application. Because every snapshot is bounded, so is every
 * recursion over it afterwards ({@code equals}, {@code hashCode}, JSON encoding).
 */
public final class ContextSnapshot {
  public static final String TARGETING_KEY = "targetingKey";
  public static final ContextSnapshot EMPTY = new ContextSnapshot(new String[0], new Object[0]);
  /**
   * How deeply attribute values may nest: a top-level attribute's value is level 1, the fields
   * and items of a structure or list at level n are level n + 1. Far beyond any real targeting context, far below a stack overflow or Jackson's
   * own nesting limit (1000).
   */
  public static final int MAX_DEPTH = 64;

  private static final int MAX_COPY_ATTEMPTS = 8;

  private final String[] names;
  private final Object[] values;
  private final int hash;

  private ContextSnapshot(String[] names, Object[] values) {
    this.names = names;
    this.values = values;
    int sum = 0;
    for (int i = 0; i < names.length; i++) {
      sum += attributeHash(names[i], Objects.hashCode(values[i]));
    }
    this.hash = sum;
  }

  /**
   * One attribute's share of a snapshot's hash code, which is the sum of these: a sum does not
   * depend on the order the attributes are read in, so {@link ContextProbe} computes the same hash
   * from the SDK's own map without sorting it. The multiply and shift keep two contexts that swap
   * values between attributes from colliding.
   */
  static int attributeHash(String name, int valueHash) {
    int h = (31 * name.hashCode() + valueHash) * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /**
   * Copies {@code context}. A context that another thread changes while it is read is read again,
   * a bounded number of times.
   *
   * @throws ConcurrentModificationException when every attempt raced with a writer
   * @throws ContextTooDeepException when a value nests deeper than {@link #MAX_DEPTH}
   */
  public static ContextSnapshot of(EvaluationContext context) {
    if (context == null) {
      return EMPTY;
    }
    ConcurrentModificationException last = null;
    for (int attempt = 0; attempt < MAX_COPY_ATTEMPTS; attempt++) {
      try {
        return copy(context);
      } catch (ConcurrentModificationException | NullPointerException | ArrayIndexOutOfBoundsException e) {
        // A HashMap resized or emptied under us by the caller's own thread; read it again.
        last = new ConcurrentModificationException("evaluation context changed while read", e);
      }
    }
    throw last;
  }

  /**
   * Builds a snapshot from plain values, as {@link #of} would store them.
   *
   * @throws ContextTooDeepException when a value nests deeper than {@link #MAX_DEPTH}
   */
  public static ContextSnapshot ofAttributes(Map<String, ?> attributes) {
    String[] names = attributes.keySet().toArray(new String[0]);
    Arrays.sort(names);
    Object[] values = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      values[i] = freezePlain(attributes.get(names[i]), names[i], 1);
    }
    return new ContextSnapshot(names, values);
  }

  /**
   * The fields of {@code structure} (tracking details, for one) as plain immutable values, read
   * key by key: the SDK's {@code asObjectMap} recurses without a bound.
   *
   * @throws ContextTooDeepException when a value nests deeper than {@link #MAX_DEPTH}
   */
  public static Map<String, Object> plainFields(Structure structure) {
    Map<String, Object> copy = new HashMap<>();
    for (String name : structure.keySet()) {
      copy.put(name, freeze(structure.getValue(name), name, 1));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static ContextSnapshot copy(EvaluationContext context) {
    Map<String, Value> immutable = SdkContexts.immutableAttributes(context);
    if (immutable != null) {
      return copyImmutable(immutable);
    }
    String[] names = context.keySet().toArray(new String[0]);
    Arrays.sort(names);
    String targetingKey = context.getTargetingKey();
    if (targetingKey != null && Arrays.binarySearch(names, TARGETING_KEY) < 0) {
      names = Arrays.copyOf(names, names.length + 1);
      names[names.length - 1] = TARGETING_KEY;
      Arrays.sort(names);
    }
    if (names.length == 0) {
      return EMPTY;
    }
    Object[] values = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      values[i] =
          names[i].equals(TARGETING_KEY) && targetingKey != null
              ? targetingKey
              : freeze(context.getValue(names[i]), names[i], 1);
    }
    return new ContextSnapshot(names, values);
  }

  /**
   * An {@code ImmutableContext}'s own attributes, read without the SDK's copies. The map itself
   * never changes; an object of the application's inside a list item may, and {@link #of} reads
   * again when that races.
   */
  private static ContextSnapshot copyImmutable(Map<String, Value> attributes) {
    int size = attributes.size();
    if (size == 0) {
      return EMPTY;
    }
    // Plain loops rather than keySet().toArray(new String[0]) and Arrays.sort: on a cached hit
    // the reflective array creation and the sort's set-up cost more than the copy itself.
    String[] names = new String[size];
    Object[] values = new Object[size];
    int count = 0;
    for (Map.Entry<String, Value> attribute : attributes.entrySet()) {
      names[count] = attribute.getKey();
      values[count] = freeze(attribute.getValue(), attribute.getKey(), 1);
      count++;
    }
    sortByName(names, values);
    return new ContextSnapshot(names, values);
  }

  /** Insertion sort of both arrays by name: contexts have a handful of attributes. */
  private static void sortByName(String[] names, Object[] values) {
    for (int i = 1; i < names.length; i++) {
      String name = names[i];
      Object value = values[i];
      int j = i - 1;
      while (j >= 0 && names[j].compareTo(name) > 0) {
        names[j + 1] = names[j];
        values[j + 1] = values[j];
        j--;
      }
      names[j + 1] = name;
      values[j + 1] = value;
    }
  }

  /** Whether {@code context} is read without the SDK's defensive copies; for tests. */
  static boolean readsWithoutCopies(EvaluationContext context) {
    return SdkContexts.immutableAttributes(context) != null;
  }

  /** A frozen copy of {@code value}, found at {@code depth} under top-level {@code attribute}. */
  private static Object freeze(Value value, String attribute, int depth) {
    if (value == null) {
      return null;
    }
    if (depth > MAX_DEPTH) {
      throw new ContextTooDeepException(attribute);
    }
    Object inner = value.asObject();
    // The immutable scalars first, by class: an interface test (Structure, List) that fails on a
    // String walks its secondary supers, and profiled at ~70 ns a value on JDK 17.
    if (inner == null || inner instanceof String || inner instanceof Boolean || inner instanceof Instant) {
      return inner;
    }
    if (inner instanceof Number number) {
      // A number of a mutable class (AtomicInteger, LongAdder, ...) is copied to the double the
      // relay is sent, so that a later change to it cannot change a cache key in place.
      return isImmutableNumber(number) ? number : Double.valueOf(number.doubleValue());
    }
    if (inner instanceof Structure structure) {
      return freezeStructure(structure, attribute, depth);
    }
    if (inner instanceof List) {
      List<Value> source = value.asList();
      List<Object> copy = new ArrayList<>(source.size());
      for (Value item : source) {
        copy.add(freeze(item, attribute, depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    return inner; // Nothing else is stored in a Value.
  }

  /** Whether {@code number}'s class is one of the JDK's immutable numbers (exactly, not a subclass). */
  static boolean isImmutableNumber(Number number) {
    Class<?> type = number.getClass();
    return type == Integer.class || type == Long.class || type == Double.class || type == Float.class
        || type == Short.class || type == Byte.class || type == java.math.BigInteger.class
        || type == java.math.BigDecimal.class;
  }

  private static Map<String, Object> freezeStructure(Structure structure, String attribute, int depth) {
    Map<String, Value> source = structure.asUnmodifiableMap();
    Map<String, Object> copy = new HashMap<>(Math.max(4, source.size() * 2));
    for (Map.Entry<String, Value> entry : source.entrySet()) {
      copy.put(entry.getKey(), freeze(entry.getValue(), attribute, depth + 1));
    }
    return Collections.unmodifiableMap(copy);
  }

  @SuppressWarnings("unchecked")
  private static Object freezePlain(Object value, String attribute, int depth) {
    if (depth > MAX_DEPTH) {
      throw new ContextTooDeepException(attribute);
    }
    if (value instanceof Map) {
      Map<String, Object> copy = new HashMap<>();
      ((Map<String, ?>) value).forEach((key, item) -> copy.put(key, freezePlain(item, attribute, depth + 1)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List) {
      List<Object> copy = new ArrayList<>();
      for (Object item : (List<?>) value) {
        copy.add(freezePlain(item, attribute, depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  /** The value of attribute {@code name}, or null. */
  public Object get(String name) {
    int index = Arrays.binarySearch(names, name);
    return index >= 0 ? values[index] : null;
  }

  /** The name of the attribute at {@code index}, in name order; for {@link ContextProbe}. */
  String nameAt(int index) {
    return names[index];
  }

  /** The frozen value of the attribute at {@code index}; for {@link ContextProbe}. */
  Object valueAt(int index) {
    return values[index];
  }

  /** Whether the snapshot has an attribute {@code name} (whose value may be null). */
  public boolean contains(String name) {
    return Arrays.binarySearch(names, name) >= 0;
  }

  /** The targeting key if it is a string, else null. */
  public String targetingKey() {
    Object key = get(TARGETING_KEY);
    return key instanceof String ? (String) key : null;
  }

  /** The attributes, targeting key included under {@value #TARGETING_KEY}; an unmodifiable view. */
  public Map<String, Object> attributes() {
    return new AttributesView();
  }

  public int size() {
    return names.length;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    return other instanceof ContextSnapshot that
        && hash == that.hash
        && Arrays.equals(names, that.names)
        && Arrays.equals(values, that.values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "ContextSnapshot" + attributes();
  }

  /** A read-only map over the two arrays, in name order. */
  private final class AttributesView extends AbstractMap<String, Object> {
    @Override
    public Object get(Object key) {
      return key instanceof String name ? ContextSnapshot.this.get(name) : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String name && contains(name);
    }

    @Override
    public int size() {
      return names.length;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < names.length;
            }

            @Override
            public Entry<String, Object> next() {
              if (next >= names.length) {
                throw new NoSuchElementException();
              }
              int index = next++;
              return new SimpleImmutableEntry<>(names[index], values[index]);
            }
          };
        }

        @Override
        public int size() {
          return names.length;
        }
      };
    }
  }
}
