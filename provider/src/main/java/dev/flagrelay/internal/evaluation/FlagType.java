package dev.flagrelay.internal.evaluation;

import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A type an application can ask a flag for, and the check the SDK does not make: whether a relay
 * value satisfies it, and the value converted to it.
 *
 * <p>Booleans never satisfy numbers; integral numbers (also {@code 10.0}) satisfy integer and long
 * within range; every number satisfies double; only JSON objects and arrays satisfy object.
 */
public final class FlagType<T> {
  public static final FlagType<Boolean> BOOLEAN =
      new FlagType<>("boolean", raw -> raw instanceof Boolean ? (Boolean) raw : null);
  public static final FlagType<String> STRING =
      new FlagType<>("string", raw -> raw instanceof String ? (String) raw : null);
  public static final FlagType<Integer> INTEGER = new FlagType<>("integer", FlagType::toInteger);
  public static final FlagType<Long> LONG = new FlagType<>("long", FlagType::toLong);
  public static final FlagType<Double> DOUBLE = new FlagType<>("double", FlagType::toDouble);
  public static final FlagType<Value> OBJECT = new FlagType<>("object", FlagType::toObject);

  /**
   * {@code new Value(Long)}, which SDK 1.22 added; null on older SDKs, where a long beyond the
   * int range inside an object value can only be carried as a double. Looked up once.
   */
  private static final MethodHandle VALUE_OF_LONG = valueOfLong();

  private final String name;
  private final Function<Object, T> converter;

  private FlagType(String name, Function<Object, T> converter) {
    this.name = name;
    this.converter = converter;
  }

  /** The value as this type, or null when it does not satisfy it. {@code raw} is never null. */
  public T convert(Object raw) {
    return converter.apply(raw);
  }

  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }

  private static Integer toInteger(Object raw) {
    Long value = toLong(raw);
    return value != null && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE
        ? value.intValue()
        : null;
  }

  private static Long toLong(Object raw) {
    if (raw instanceof Integer || raw instanceof Long) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger big) {
      return big.bitLength() < 64 ? big.longValue() : null;
    }
    if (raw instanceof Double d) {
      // 2^63 itself is not a long: the upper bound is exclusive.
      boolean integral = !d.isInfinite() && d == Math.rint(d);
      return integral && d >= -0x1p63 && d < 0x1p63 ? d.longValue() : null;
    }
    return null;
  }

  private static Double toDouble(Object raw) {
    return raw instanceof Number number ? number.doubleValue() : null;
  }

  private static Value toObject(Object raw) {
    return raw instanceof Map || raw instanceof List ? toValue(raw) : null;
  }

  private static MethodHandle valueOfLong() {
    try {
      return MethodHandles.publicLookup()
          .findConstructor(Value.class, MethodType.methodType(void.class, Long.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null; // SDK before 1.22.
    }
  }

  /** The exact long on SDK 1.22+, else the nearest double (the best an older {@code Value} holds). */
  private static Value longValue(Long number) {
    if (VALUE_OF_LONG != null) {
      try {
        return (Value) VALUE_OF_LONG.invokeExact(number);
      } catch (Throwable e) {
        // A constructor that stores its argument does not throw; if it ever did, fall back.
      }
    }
    return new Value(number.doubleValue());
  }

  /** A fresh {@link Value} for an immutable Java tree; structures are {@link ImmutableStructure}. */
  public static Value toValue(Object raw) {
    if (raw == null) {
      return new Value();
    }
    if (raw instanceof Boolean bool) {
      return new Value(bool);
    }
    if (raw instanceof String string) {
      return new Value(string);
    }
    if (raw instanceof Integer number) {
      return new Value(number);
    }
    if (raw instanceof Long number) {
      long l = number;
      return l == (int) l ? new Value((int) l) : longValue(number);
    }
    if (raw instanceof Number number) {
      return new Value(number.doubleValue());
    }
    if (raw instanceof Map<?, ?> map) {
      Map<String, Value> fields = new HashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        fields.put(String.valueOf(entry.getKey()), toValue(entry.getValue()));
      }
      return new Value(new ImmutableStructure(fields));
    }
    if (raw instanceof List<?> list) {
      List<Value> items = new ArrayList<>(list.size());
      for (Object item : list) {
        items.add(toValue(item));
      }
      return new Value(List.copyOf(items));
    }
    return new Value(raw.toString());
  }

  /**
   * A value as the collector encodes it: an SDK {@code Value} unwrapped, a structure as a map, a
   * list as a list of such values.
   */
  static Object plain(Object value) {
    if (value instanceof Value sdkValue) {
      Object inner = sdkValue.asObject();
      if (inner instanceof Structure structure) {
        return structure.asObjectMap();
      }
      if (inner instanceof List<?> list) {
        List<Object> items = new ArrayList<>(list.size());
        for (Object item : list) {
          items.add(plain(item));
        }
        return items;
      }
      return inner;
    }
    return value;
  }
}
