package dev.flagrelay.internal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagTypeTest {
  private static final BigInteger TWO_POW_64 = BigInteger.ONE.shiftLeft(64);

  // GOFF-EVAL-004: booleans never satisfy numbers.

  @Test
  void boolean_doesNotSatisfyInteger() {
    assertThat(FlagType.INTEGER.convert(true)).isNull();
  }

  @Test
  void boolean_doesNotSatisfyLong() {
    assertThat(FlagType.LONG.convert(false)).isNull();
  }

  @Test
  void boolean_doesNotSatisfyDouble() {
    assertThat(FlagType.DOUBLE.convert(true)).isNull();
  }

  @Test
  void boolean_satisfiesBoolean() {
    assertThat(FlagType.BOOLEAN.convert(false)).isFalse();
  }

  // GOFF-EVAL-005: integral numbers of any Java type satisfy integer within range.

  @Test
  void integer_satisfiesInteger() {
    assertThat(FlagType.INTEGER.convert(10)).isEqualTo(10);
  }

  @Test
  void longWithinIntRange_satisfiesInteger() {
    assertThat(FlagType.INTEGER.convert(10L)).isEqualTo(10);
  }

  @Test
  void integralDouble_satisfiesInteger() {
    assertThat(FlagType.INTEGER.convert(10.0)).isEqualTo(10);
  }

  @Test
  void fractionalDouble_doesNotSatisfyInteger() {
    assertThat(FlagType.INTEGER.convert(0.5)).isNull();
  }

  @Test
  void fractionalDouble_doesNotSatisfyLong() {
    assertThat(FlagType.LONG.convert(0.5)).isNull();
  }

  @Test
  void nanAndInfinity_doNotSatisfyIntegerOrLong() {
    assertThat(FlagType.INTEGER.convert(Double.NaN)).isNull();
    assertThat(FlagType.LONG.convert(Double.POSITIVE_INFINITY)).isNull();
  }

  @Test
  void longBeyondIntRange_doesNotSatisfyInteger() {
    assertThat(FlagType.INTEGER.convert(3_000_000_000L)).isNull();
  }

  @Test
  void longBeyondIntRange_satisfiesLong() {
    assertThat(FlagType.LONG.convert(3_000_000_000L)).isEqualTo(3_000_000_000L);
  }

  @Test
  void intMaxValue_satisfiesInteger() {
    assertThat(FlagType.INTEGER.convert((long) Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void intMinValueMinusOne_doesNotSatisfyInteger() {
    assertThat(FlagType.INTEGER.convert((long) Integer.MIN_VALUE - 1)).isNull();
  }

  @Test
  void smallBigInteger_satisfiesIntegerAndLong() {
    assertThat(FlagType.INTEGER.convert(BigInteger.valueOf(42))).isEqualTo(42);
    assertThat(FlagType.LONG.convert(BigInteger.valueOf(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void bigIntegerBeyondLongRange_doesNotSatisfyLong() {
    assertThat(FlagType.LONG.convert(TWO_POW_64)).isNull();
  }

  @Test
  void doubleTwoPow63_doesNotSatisfyLong() {
    assertThat(FlagType.LONG.convert(0x1p63)).isNull();
  }

  @Test
  void longMaxValue_keepsAll64Bits() {
    assertThat(FlagType.LONG.convert(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
  }

  // GOFF-EVAL-003: every number satisfies double.

  @Test
  void everyNumber_satisfiesDouble() {
    assertThat(FlagType.DOUBLE.convert(100)).isEqualTo(100.0);
    assertThat(FlagType.DOUBLE.convert(3_000_000_000L)).isEqualTo(3.0e9);
    assertThat(FlagType.DOUBLE.convert(2.5)).isEqualTo(2.5);
    assertThat(FlagType.DOUBLE.convert(TWO_POW_64)).isEqualTo(0x1p64);
  }

  @Test
  void string_doesNotSatisfyDouble() {
    assertThat(FlagType.DOUBLE.convert("1.5")).isNull();
  }

  // Strings and booleans never stand in for each other.

  @Test
  void string_doesNotSatisfyBoolean() {
    assertThat(FlagType.BOOLEAN.convert("true")).isNull();
  }

  @Test
  void boolean_doesNotSatisfyString() {
    assertThat(FlagType.STRING.convert(true)).isNull();
  }

  @Test
  void number_doesNotSatisfyString() {
    assertThat(FlagType.STRING.convert(1)).isNull();
  }

  @Test
  void string_satisfiesString() {
    assertThat(FlagType.STRING.convert("blue")).isEqualTo("blue");
  }

  // GOFF-EVAL-002: only objects and arrays satisfy object, as immutable values.

  @Test
  void map_satisfiesObjectAsImmutableStructure() {
    Value value = FlagType.OBJECT.convert(Map.of("color", "blue", "size", 3));

    assertThat(value.isStructure()).isTrue();
    assertThat(value.asStructure()).isInstanceOf(ImmutableStructure.class);
    assertThat(value.asStructure().getValue("color").asString()).isEqualTo("blue");
    assertThat(value.asStructure().getValue("size").asInteger()).isEqualTo(3);
  }

  @Test
  void list_satisfiesObjectAsUnmodifiableList() {
    Value value = FlagType.OBJECT.convert(List.of("a", "b"));

    assertThat(value.isList()).isTrue();
    assertThat(value.asList()).extracting(Value::asString).containsExactly("a", "b");
    assertThatThrownBy(() -> value.asList().add(new Value("c"))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void nestedTree_keptInsideTheStructure() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("tags", List.of("x", Map.of("deep", true)));
    tree.put("missing", null);

    Value value = FlagType.OBJECT.convert(Collections.unmodifiableMap(tree));

    List<Value> tags = value.asStructure().getValue("tags").asList();
    assertThat(tags.get(0).asString()).isEqualTo("x");
    assertThat(tags.get(1).asStructure().getValue("deep").asBoolean()).isTrue();
    assertThat(value.asStructure().getValue("missing").isNull()).isTrue();
  }

  @Test
  void longInsideAnObject_withinIntRange_anInteger() {
    Value value = FlagType.OBJECT.convert(Map.of("n", 42L));

    assertThat(value.asStructure().getValue("n").asInteger()).isEqualTo(42);
  }

  @Test
  void longInsideAnObject_beyondIntRange_keepsItsNumericValue() {
    Value value = FlagType.OBJECT.convert(Map.of("n", 3_000_000_000L));

    assertThat(value.asStructure().getValue("n").asDouble()).isEqualTo(3.0e9);
  }

  @Test
  void convertedObject_isANewValueEachTime() {
    Map<String, Object> raw = Map.of("color", "blue");

    assertThat(FlagType.OBJECT.convert(raw)).isNotSameAs(FlagType.OBJECT.convert(raw));
  }

  @Test
  void scalars_doNotSatisfyObject() {
    assertThat(FlagType.OBJECT.convert("text")).isNull();
    assertThat(FlagType.OBJECT.convert(1)).isNull();
    assertThat(FlagType.OBJECT.convert(1.5)).isNull();
    assertThat(FlagType.OBJECT.convert(true)).isNull();
  }

  @Test
  void object_doesNotSatisfyScalars() {
    Map<String, Object> object = Map.of("a", 1);

    assertThat(FlagType.BOOLEAN.convert(object)).isNull();
    assertThat(FlagType.STRING.convert(object)).isNull();
    assertThat(FlagType.INTEGER.convert(object)).isNull();
    assertThat(FlagType.DOUBLE.convert(List.of(1))).isNull();
  }

  /**
   * Issue 11: SDK 1.22 has {@code Value(Long)}, yet a long beyond the int range inside an object
   * value came back as a double (2^53 + 1 lost its last bit). Built against 1.22 here; on older
   * SDKs ({@code SdkCompatibilityIT}, 1.16) the double is the best a {@code Value} can hold.
   */
  @Test
  void objectWithALongBeyondTheIntRange_keepsTheExactLong() {
    long big = (1L << 53) + 1;

    Value value = FlagType.OBJECT.convert(Map.of("big", big, "small", 7L));

    assertThat(value.asStructure().getValue("big").asObject()).isEqualTo(big);
    assertThat(value.asStructure().getValue("small").asObject()).isEqualTo(7);
  }
}
