package dev.flagrelay.internal.context;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An SDK context read in place, to look a cached answer up without copying it: its hash code is
 * the one {@link ContextSnapshot#of} would give a snapshot of it, and {@link #matches} is true
 * exactly when that snapshot would equal the given one.
 *
 * <p>Only contexts {@link SdkContexts} reads without copies (an {@code ImmutableContext}, alone or
 * as the only non-empty layer) whose every value is immutable have a probe: nothing changes their
 * attributes, so reading them twice, once to hash and once to compare, sees the same values. The
 * SDK copies a context's values when it is made, but a list's items only shallowly: a list or a
 * {@code MutableStructure} inside a list item, or a number of a mutable class anywhere, is still
 * the application's object, and a context holding one has no probe. Anything else, and any context a
 * snapshot would refuse (nested deeper than {@link ContextSnapshot#MAX_DEPTH}, a list value with
 * items that are not values), has none: the caller builds a snapshot, which fails the same way it
 * always did.
 *
 * <p>The comparison mirrors the snapshot's: a scalar equals the frozen value it would have been
 * copied to ({@code Integer} 1 is not {@code Double} 1.0), a structure equals a frozen map with
 * the same names and equal values, a list a frozen list with equal items in order, and a null
 * value (or a value holding null) equals null.
 */
public final class ContextProbe {
  private final Map<String, Value> attributes;
  private final int hash;
  /** A snapshot known to equal a snapshot of this context, or null: compared by identity first. */
  private final ContextSnapshot equal;

  private ContextProbe(Map<String, Value> attributes, int hash, ContextSnapshot equal) {
    this.attributes = attributes;
    this.hash = hash;
    this.equal = equal;
  }

  /** A probe of {@code context}, or null when it must be copied into a snapshot instead. */
  public static ContextProbe of(EvaluationContext context) {
    return ofAttributes(readInPlace(context));
  }

  /** The attributes of {@code context} as a probe reads them, or null when it cannot. */
  static Map<String, Value> readInPlace(EvaluationContext context) {
    return context == null ? Map.of() : SdkContexts.immutableAttributes(context);
  }

  /** A probe of attributes {@link #readInPlace} gave (null for none), or null. */
  static ContextProbe ofAttributes(Map<String, Value> attributes) {
    if (attributes == null) {
      return null;
    }
    try {
      return new ContextProbe(attributes, hash(attributes), null);
    } catch (NotReadableInPlace e) {
      return null;
    }
  }

  /** This probe, knowing that {@code snapshot} equals a snapshot of its context (checked). */
  ContextProbe knowing(ContextSnapshot snapshot) {
    return equal == null && matches(snapshot) ? new ContextProbe(attributes, hash, snapshot) : this;
  }

  /** Whether this probe reads exactly {@code attributes}, the same map object. */
  boolean reads(Map<String, Value> attributes) {
    return this.attributes == attributes;
  }

  /** A snapshot known to equal a snapshot of this context, or null. */
  ContextSnapshot knownSnapshot() {
    return equal;
  }

  /** Whether a snapshot of this context would equal {@code snapshot}. */
  public boolean matches(ContextSnapshot snapshot) {
    if (snapshot == equal && equal != null) {
      return true;
    }
    if (snapshot.hashCode() != hash || snapshot.size() != attributes.size()) {
      return false;
    }
    for (int i = 0; i < snapshot.size(); i++) {
      String name = snapshot.nameAt(i);
      Value value = attributes.get(name);
      if ((value == null && !attributes.containsKey(name)) || !matches(value, snapshot.valueAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The same as {@link ContextSnapshot#hashCode} of a snapshot of this context. */
  @Override
  public int hashCode() {
    return hash;
  }

  /** Probes are compared with snapshots ({@link #matches}), never with each other. */
  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  private static int hash(Map<String, Value> attributes) {
    int sum = 0;
    for (Map.Entry<String, Value> attribute : attributes.entrySet()) {
      sum += ContextSnapshot.attributeHash(attribute.getKey(), hash(attribute.getValue(), 1, false));
    }
    return sum;
  }

  /**
   * {@code Objects.hashCode} of the value a snapshot would freeze {@code value} to, at {@code
   * depth}. {@code listItem}: the value is an item of a list, whose inner object the SDK's copy
   * shares with the application (it copies a list's items shallowly, structures and lists
   * elsewhere deeply): a list or a mutable structure there can change after the context was made.
   * Such a context, or one holding a number of a mutable class, is not read in place.
   */
  private static int hash(Value value, int depth, boolean listItem) {
    if (value == null) {
      return 0;
    }
    if (depth > ContextSnapshot.MAX_DEPTH) {
      throw new NotReadableInPlace(); // The snapshot throws ContextTooDeepException: let it.
    }
    Object inner = value.asObject();
    if (isScalar(inner)) {
      if (inner instanceof Number number && !ContextSnapshot.isImmutableNumber(number)) {
        throw new NotReadableInPlace(); // An AtomicInteger, say: shared, and the snapshot converts it.
      }
      return Objects.hashCode(inner);
    }
    if (inner instanceof Structure structure) {
      if (!(structure instanceof ImmutableStructure)) {
        throw new NotReadableInPlace(); // The application's own structure, reached through a list item.
      }
      int sum = 0; // As a frozen map's hashCode: the sum of its entries' key ^ value.
      for (Map.Entry<String, Value> field : structure.asUnmodifiableMap().entrySet()) {
        sum += Objects.hashCode(field.getKey()) ^ hash(field.getValue(), depth + 1, false);
      }
      return sum;
    }
    if (inner instanceof List) {
      List<Value> items = value.asList();
      if (items == null || listItem) {
        // Items that are not values (the snapshot fails on them), or the application's own list.
        throw new NotReadableInPlace();
      }
      int h = 1; // As a frozen list's hashCode.
      for (Value item : items) {
        h = 31 * h + hash(item, depth + 1, true);
      }
      return h;
    }
    return inner.hashCode();
  }

  /** Whether {@code frozen} equals the value a snapshot would freeze {@code value} to. */
  private static boolean matches(Value value, Object frozen) {
    Object inner = value == null ? null : value.asObject();
    if (isScalar(inner)) {
      return Objects.equals(inner, frozen);
    }
    if (inner instanceof Structure structure) {
      return frozen instanceof Map<?, ?> fields && matchesFields(structure.asUnmodifiableMap(), fields);
    }
    if (inner instanceof List) {
      List<Value> items = value.asList();
      return items != null && frozen instanceof List<?> frozenItems && matchesItems(items, frozenItems);
    }
    return Objects.equals(inner, frozen);
  }

  private static boolean matchesFields(Map<String, Value> fields, Map<?, ?> frozen) {
    if (fields.size() != frozen.size()) {
      return false;
    }
    for (Map.Entry<String, Value> field : fields.entrySet()) {
      Object frozenValue = frozen.get(field.getKey());
      if ((frozenValue == null && !frozen.containsKey(field.getKey())) || !matches(field.getValue(), frozenValue)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesItems(List<Value> items, List<?> frozen) {
    if (items.size() != frozen.size()) {
      return false;
    }
    Iterator<?> frozenItems = frozen.iterator();
    for (Value item : items) {
      if (!matches(item, frozenItems.next())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The values a snapshot keeps as they are, tested by class first: an interface test that fails
   * on a {@code String} walks its secondary supers (see {@code ContextSnapshot.freeze}).
   */
  private static boolean isScalar(Object inner) {
    return inner == null || inner instanceof String || inner instanceof Boolean || inner instanceof Number
        || inner instanceof Instant;
  }

  /** A context a snapshot would refuse; the probe gives way and the snapshot reports it. */
  private static final class NotReadableInPlace extends RuntimeException {
    NotReadableInPlace() {
      super(null, null, false, false);
    }
  }
}
