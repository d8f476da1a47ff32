package dev.flagrelay.internal.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.LayeredEvaluationContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A context read in place hashes and compares exactly as a snapshot of it would: the cache finds
 * through a probe the entry, and only the entry, that it would find through a snapshot.
 */
class ContextProbeTest {
  private static final int CONTEXTS = 20_000;

  private static final String[] NAMES = {"targetingKey", "email", "plan", "age", "rate", "Aa", "BB", "nested", "tags"};
  private static final String[] STRINGS = {"a", "b", "Aa", "BB", "", "pro", "free"};
  /** "Aa" and "BB" have the same hash code, and so do Integer 1 and Long 1. */
  private static final String[] COLLIDING = {"Aa", "BB"};
  private static final Instant[] INSTANTS = {Instant.EPOCH, Instant.parse("2026-12-06T10:15:30Z")};

  /**
   * Random contexts from small pools, so that equal contexts and equal hash codes both happen
   * often. Tiny contexts (two colliding names, two colliding strings, the number 1 as Integer,
   * Long and Double) make near misses: contexts that differ in one detail with equal hash codes.
   */
  static final class Contexts {
    private final Random random;
    private final boolean tiny;

    Contexts(long seed, boolean tiny) {
      this.random = new Random(seed);
      this.tiny = tiny;
    }

    private String name() {
      return tiny ? COLLIDING[random.nextInt(2)] : NAMES[random.nextInt(NAMES.length)];
    }

    private String string() {
      return tiny ? COLLIDING[random.nextInt(2)] : STRINGS[random.nextInt(STRINGS.length)];
    }

    private int number() {
      return tiny ? 1 : random.nextInt(3);
    }

    ImmutableContext next() {
      Map<String, Value> attributes = new HashMap<>();
      int size = random.nextInt(tiny ? 3 : 5);
      for (int i = 0; i < size; i++) {
        attributes.put(name(), value(1, false));
      }
      if (tiny) {
        return new ImmutableContext(attributes);
      }
      return random.nextInt(4) == 0
          ? new ImmutableContext(attributes)
          : new ImmutableContext(string(), attributes);
    }

    /**
     * A random value. In a list item, a list becomes a structure holding it: the SDK copies a
     * list's items shallowly, so a list there would stay the application's and have no probe.
     */
    private Value value(int depth, boolean listItem) {
      int kind = random.nextInt(depth < (tiny ? 3 : 4) ? 10 : 8);
      if (kind == 9 && listItem) {
        Map<String, Value> holder = new HashMap<>();
        holder.put(string(), value(depth, false));
        return new Value(new ImmutableStructure(holder));
      }
      switch (kind) {
        case 0:
          return new Value(string());
        case 1:
          return new Value(random.nextBoolean());
        case 2:
          return new Value(number()); // Integer 1 ...
        case 3:
          return new Value((double) number()); // ... is not Double 1.0 ...
        case 4:
          return new Value((long) number()); // ... nor Long 1
        case 5:
          return new Value(INSTANTS[random.nextInt(INSTANTS.length)]);
        case 6:
          return new Value();
        case 7:
          return null;
        case 8:
          Map<String, Value> fields = new HashMap<>();
          int size = random.nextInt(3);
          for (int i = 0; i < size; i++) {
            fields.put(string(), value(depth + 1, false));
          }
          return new Value(new ImmutableStructure(fields));
        default:
          List<Value> items = new ArrayList<>();
          int length = random.nextInt(3);
          for (int i = 0; i < length; i++) {
            Value item = value(depth + 1, true);
            items.add(item == null ? new Value() : item);
          }
          return new Value(items);
      }
    }
  }

  @Test
  void randomContexts_probeHashAndMatchAgreeWithSnapshotsBothWays() {
    agreeWithSnapshots(false);
  }

  @Test
  void tinyRandomContexts_nearMissesWithEqualHashCodes_probeMatchAgreesWithSnapshotsBothWays() {
    agreeWithSnapshots(true);
  }

  private static void agreeWithSnapshots(boolean tiny) {
    Contexts first = new Contexts(16, tiny);
    Contexts same = new Contexts(16, tiny); // The same sequence, built again: equal contexts, other objects.
    Contexts other = new Contexts(4, tiny);
    int equalPairs = 0;
    int equalHashesUnequal = 0;
    for (int i = 0; i < CONTEXTS; i++) {
      ImmutableContext a = first.next();
      ImmutableContext b = i % 3 == 0 ? same.next() : other.next();
      if (i % 3 != 0) {
        same.next();
      }
      ContextSnapshot snapshotA = ContextSnapshot.of(a);
      ContextSnapshot snapshotB = ContextSnapshot.of(b);
      ContextProbe probeA = ContextProbe.of(a);
      ContextProbe probeB = ContextProbe.of(b);
      boolean equal = snapshotA.equals(snapshotB);

      assertThat(probeA).as("context %s", a).isNotNull();
      assertThat(probeA.hashCode()).as("hash of %s", a).isEqualTo(snapshotA.hashCode());
      assertThat(probeA.matches(snapshotA)).as("%s matches its own snapshot", a).isTrue();
      assertThat(probeA.matches(ContextSnapshot.of(new MutableContext(a.getTargetingKey(), a.asMap()))))
          .as("%s matches the snapshot of its mutable copy", a)
          .isTrue();
      assertThat(probeA.matches(snapshotB)).as("%s vs %s", a, b).isEqualTo(equal);
      assertThat(probeB.matches(snapshotA)).as("%s vs %s", b, a).isEqualTo(equal);
      if (equal) {
        equalPairs++;
        assertThat(probeB.hashCode()).isEqualTo(probeA.hashCode());
      } else if (snapshotA.hashCode() == snapshotB.hashCode()) {
        equalHashesUnequal++;
      }
    }
    // The property is only tested if both kinds of pair occurred.
    assertThat(equalPairs).isGreaterThan(CONTEXTS / 4);
    assertThat(CONTEXTS - equalPairs).isGreaterThan(CONTEXTS / 4);
    assertThat(equalHashesUnequal).as("unequal pairs with equal hash codes").isGreaterThan(tiny ? 200 : 0);
  }

  /** {@code attributeHash("a", -3007)} is 0: a snapshot with that attribute more has the same hash. */
  @Test
  void oneAttributeMoreWhoseShareOfTheHashIsZero_noMatch() {
    ImmutableContext one = new ImmutableContext(Map.of("x", new Value(1)));
    ImmutableContext more = new ImmutableContext(Map.of("x", new Value(1), "a", new Value(-31 * "a".hashCode())));

    assertThat(ContextSnapshot.of(more).hashCode()).isEqualTo(ContextSnapshot.of(one).hashCode());
    assertThat(ContextProbe.of(one).matches(ContextSnapshot.of(more))).isFalse();
    assertThat(ContextProbe.of(more).matches(ContextSnapshot.of(one))).isFalse();
  }

  @Test
  void nullFieldAgainstAnotherNullFieldWithACollidingName_noMatch() {
    Map<String, Value> aa = new HashMap<>();
    aa.put("Aa", null);
    Map<String, Value> bb = new HashMap<>();
    bb.put("BB", new Value());
    ImmutableContext first = new ImmutableContext(Map.of("s", new Value(new ImmutableStructure(aa))));
    ImmutableContext second = new ImmutableContext(Map.of("s", new Value(new ImmutableStructure(bb))));

    assertThat(ContextSnapshot.of(first).hashCode()).isEqualTo(ContextSnapshot.of(second).hashCode());
    assertThat(ContextProbe.of(first).matches(ContextSnapshot.of(second))).isFalse();
    assertThat(ContextProbe.of(second).matches(ContextSnapshot.of(first))).isFalse();
  }

  /** [1] and [1, -960] have the same list hash code (32). */
  @Test
  void listAndALongerListWithTheSameHashCode_noMatch() {
    ImmutableContext shorter = new ImmutableContext(Map.of("l", new Value(List.of(new Value(1)))));
    ImmutableContext longer = new ImmutableContext(Map.of("l", new Value(List.of(new Value(1), new Value(-960)))));

    assertThat(ContextSnapshot.of(shorter).hashCode()).isEqualTo(ContextSnapshot.of(longer).hashCode());
    assertThat(ContextProbe.of(shorter).matches(ContextSnapshot.of(longer))).isFalse();
    assertThat(ContextProbe.of(longer).matches(ContextSnapshot.of(shorter))).isFalse();
  }

  /** A map entry whose key and value have the same hash code adds 0 to the map's hash code. */
  @Test
  void oneFieldMoreWhoseShareOfTheHashIsZero_noMatch() {
    ImmutableContext one = new ImmutableContext(Map.of("s", new Value(new ImmutableStructure(Map.of("x", new Value(1))))));
    ImmutableContext more =
        new ImmutableContext(
            Map.of("s", new Value(new ImmutableStructure(Map.of("x", new Value(1), "a", new Value("a".hashCode()))))));

    assertThat(ContextSnapshot.of(more).hashCode()).isEqualTo(ContextSnapshot.of(one).hashCode());
    assertThat(ContextProbe.of(one).matches(ContextSnapshot.of(more))).isFalse();
    assertThat(ContextProbe.of(more).matches(ContextSnapshot.of(one))).isFalse();
  }

  @Test
  void integerAndDoubleOfTheSameNumber_doNotMatch() {
    ContextProbe integer = ContextProbe.of(new ImmutableContext("u1", Map.of("n", new Value(1))));

    assertThat(integer.matches(ContextSnapshot.of(new ImmutableContext("u1", Map.of("n", new Value(1.0)))))).isFalse();
    assertThat(integer.matches(ContextSnapshot.of(new ImmutableContext("u1", Map.of("n", new Value(1)))))).isTrue();
  }

  @Test
  void nullValueAndMissingAttribute_doNotMatch() {
    ContextProbe withNull = ContextProbe.of(new ImmutableContext("u1", Map.of("n", new Value())));

    assertThat(withNull.matches(ContextSnapshot.of(new ImmutableContext("u1")))).isFalse();
    assertThat(withNull.matches(ContextSnapshot.of(new ImmutableContext("u1", Map.of("m", new Value()))))).isFalse();
    assertThat(withNull.matches(ContextSnapshot.of(new ImmutableContext("u1", Map.of("n", new Value()))))).isTrue();
  }

  @Test
  void valuesSwappedBetweenAttributes_differentHashCodesAndNoMatch() {
    ImmutableContext ab = new ImmutableContext("u1", Map.of("x", new Value("a"), "y", new Value("b")));
    ImmutableContext ba = new ImmutableContext("u1", Map.of("x", new Value("b"), "y", new Value("a")));

    assertThat(ContextProbe.of(ab).hashCode()).isNotEqualTo(ContextProbe.of(ba).hashCode());
    assertThat(ContextProbe.of(ab).matches(ContextSnapshot.of(ba))).isFalse();
  }

  @Test
  void nullContext_matchesTheEmptySnapshot() {
    assertThat(ContextProbe.of(null).matches(ContextSnapshot.EMPTY)).isTrue();
    assertThat(ContextProbe.of(null).hashCode()).isEqualTo(ContextSnapshot.EMPTY.hashCode());
  }

  @Test
  void immutableContextAsTheOnlyLayer_readInPlace() {
    ImmutableContext invocation = new ImmutableContext("u1", Map.of("plan", new Value("pro")));
    LayeredEvaluationContext layered =
        new LayeredEvaluationContext(ImmutableContext.EMPTY, null, new ImmutableContext(), invocation);

    ContextProbe probe = ContextProbe.of(layered);

    assertThat(probe).isNotNull();
    assertThat(probe.matches(ContextSnapshot.of(invocation))).isTrue();
  }

  @Test
  void mutableOrSeveralLayeredContexts_notReadInPlace() {
    ImmutableContext client = new ImmutableContext("client-key", Map.of("region", new Value("eu")));
    ImmutableContext invocation = new ImmutableContext("u3", Map.of("plan", new Value("pro")));
    EvaluationContext mutable = new MutableContext("u4").add("plan", "free");

    assertThat(ContextProbe.of(mutable)).isNull();
    assertThat(ContextProbe.of(new LayeredEvaluationContext(null, null, client, invocation))).isNull();
    assertThat(ContextProbe.of(new LayeredEvaluationContext(null, null, null, mutable))).isNull();
  }

  /** A value whose structures nest {@code levels} deep: the attribute's value is level 1. */
  private static Value nested(int levels) {
    Value current = new Value("x");
    for (int level = 1; level < levels; level++) {
      current = new Value(new ImmutableStructure(Map.of("child", current)));
    }
    return current;
  }

  @Test
  void contextDeeperThanMaxDepth_notReadInPlace_soTheSnapshotRejectsIt() {
    ImmutableContext tooDeep = new ImmutableContext("u1", Map.of("deep", nested(ContextSnapshot.MAX_DEPTH + 1)));
    ImmutableContext deepest = new ImmutableContext("u1", Map.of("deep", nested(ContextSnapshot.MAX_DEPTH)));

    assertThat(ContextProbe.of(tooDeep)).isNull();
    assertThat(ContextProbe.of(deepest).matches(ContextSnapshot.of(deepest))).isTrue();
    assertThat(ContextProbe.of(deepest).hashCode()).isEqualTo(ContextSnapshot.of(deepest).hashCode());
  }

  @Test
  void nestedMutableStructureInsideAnImmutableContext_comparedByContent() {
    MutableStructure company = new MutableStructure().add("name", "acme").add("size", 3);
    ImmutableContext context = new ImmutableContext("u1", Map.of("company", new Value(company)));
    ImmutableContext otherSize =
        new ImmutableContext("u1", Map.of("company", new Value(new MutableStructure().add("name", "acme").add("size", 4))));

    assertThat(ContextProbe.of(context).matches(ContextSnapshot.of(context))).isTrue();
    assertThat(ContextProbe.of(context).matches(ContextSnapshot.of(otherSize))).isFalse();
  }

  /**
   * The SDK copies a list's items shallowly: a list or a mutable structure inside a list item is
   * still the application's, and so is a number of a mutable class anywhere. A context holding one
   * is copied (and compared) through a snapshot, never read in place.
   */
  @Test
  void applicationsObjectsTheSdkDoesNotCopy_notReadInPlace() throws Exception {
    Value mutableInList = new Value(List.of(new Value(new MutableStructure().add("plan", "free"))));
    Value listInList = new Value(List.of(new Value(new ArrayList<>(List.of(new Value("a"))))));
    Value atomicNumber = new Value((Object) new AtomicInteger(5));
    Value immutableInList = new Value(List.of(new Value(new ImmutableStructure(Map.of("plan", new Value("free"))))));

    assertThat(ContextProbe.of(new ImmutableContext("u1", Map.of("orgs", mutableInList)))).isNull();
    assertThat(ContextProbe.of(new ImmutableContext("u1", Map.of("lists", listInList)))).isNull();
    assertThat(ContextProbe.of(new ImmutableContext("u1", Map.of("score", atomicNumber)))).isNull();
    assertThat(
            ContextProbe.of(
                new ImmutableContext(
                    "u1", Map.of("nested", new Value(new MutableStructure().add("score", atomicNumber))))))
        .isNull();
    ImmutableContext readable = new ImmutableContext("u1", Map.of("orgs", immutableInList));
    assertThat(ContextProbe.of(readable)).isNotNull();
    assertThat(ContextProbe.of(readable).matches(ContextSnapshot.of(readable))).isTrue();
  }

  /** A number of a mutable class is frozen to the double the relay is sent, not kept by reference. */
  @Test
  void numberOfAMutableClass_snapshotKeepsItsValueNotTheObject() throws Exception {
    AtomicInteger score = new AtomicInteger(5);
    ImmutableContext context = new ImmutableContext("u1", Map.of("score", new Value((Object) score)));

    ContextSnapshot before = ContextSnapshot.of(context);
    score.set(6);
    ContextSnapshot after = ContextSnapshot.of(context);

    assertThat(before.get("score")).isEqualTo(5.0);
    assertThat(after.get("score")).isEqualTo(6.0);
    assertThat(before).isNotEqualTo(after);
  }
}
