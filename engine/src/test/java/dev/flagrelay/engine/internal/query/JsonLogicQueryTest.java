package dev.flagrelay.engine.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JsonLogic as GOFF's library evaluates it (the relay's answers are in RelayObservedQueriesTest). */
class JsonLogicQueryTest {

  private static final Map<String, Object> USER = Map.of(
      "targetingKey", "user-1", "age", 30, "rate", 3.14, "name", "john", "empty", "",
      "labels", List.of("pro", "beta"), "company", Map.of("size", 120));

  private static boolean matches(String rule) {
    return Queries.compile(rule).matches(QueryContext.of(USER));
  }

  @Test
  void aJsonObjectIsJsonLogicAnythingElseIsNikunjy() {
    assertThat(matches("{\"==\": [{\"var\": \"age\"}, 30]}")).isTrue();
    assertThat(Queries.compileOrError("[{\"==\": [1, 1]}]").ok()).isFalse();
    assertThat(matches("{}")).isTrue();
  }

  @Test
  void unknownOperatorIsNotApplied() {
    Queries.Compiled compiled = Queries.compileOrError("{\"startsWith\": [{\"var\": \"name\"}, \"j\"]}");
    assertThat(compiled.ok()).isFalse();
    assertThat(compiled.error()).contains("startsWith");
    assertThat(Queries.compileOrError("{\"!!\": [{}]}").ok()).isFalse();
  }

  @Test
  void looseEqualityCoercesStrictDoesNot() {
    assertThat(matches("{\"==\": [{\"var\": \"age\"}, \"30\"]}")).isTrue();
    assertThat(matches("{\"===\": [{\"var\": \"age\"}, \"30\"]}")).isFalse();
    assertThat(matches("{\"===\": [{\"var\": \"company.size\"}, 120]}")).isTrue();
    assertThat(matches("{\"==\": [true, \"1\"]}")).isTrue();
    assertThat(matches("{\"==\": [null, false]}")).isFalse();
    assertThat(matches("{\"==\": [\" 30 \", 30]}")).isFalse();
    assertThat(matches("{\"==\": [[1], [1]]}")).isFalse();
  }

  @Test
  void truthiness() {
    assertThat(matches("{\"var\": \"empty\"}")).isFalse();
    assertThat(matches("{\"!!\": [\"0\"]}")).isTrue();
    assertThat(matches("{\"!\": [[]]}")).isTrue();
    assertThat(matches("{\"var\": \"company\"}")).isTrue();
    assertThat(matches("{\"-\": [30, {\"var\": \"age\"}]}")).isFalse();
  }

  @Test
  void orderingTreatsNullAsZeroButGreaterOrEqualUsesLooseEquality() {
    assertThat(matches("{\"<\": [null, 1]}")).isTrue();
    assertThat(matches("{\">=\": [null, 0]}")).isFalse();
    assertThat(matches("{\"<\": [\"10\", \"9\"]}")).isTrue();
    assertThat(matches("{\"<\": [1, {\"var\": \"age\"}, 40]}")).isTrue();
  }

  @Test
  void varWithDottedPathsIndexesAndDefaults() {
    assertThat(matches("{\"==\": [{\"var\": \"labels.1\"}, \"beta\"]}")).isTrue();
    assertThat(matches("{\"==\": [{\"var\": [\"nope\", 5]}, 5]}")).isTrue();
  }

  @Test
  void missingCountsOnlyAbsentOrNull() {
    assertThat(matches("{\"missing\": [\"empty\"]}")).isFalse();
    assertThat(matches("{\"missing\": [\"name\", \"phone\"]}")).isTrue();
    assertThat(matches("{\"missing_some\": [1, [\"name\", \"phone\"]]}")).isFalse();
  }

  @Test
  void stringOperators() {
    assertThat(matches("{\"in\": [\"oh\", {\"var\": \"name\"}]}")).isTrue();
    assertThat(matches("{\"in\": [\"pro\", {\"var\": \"labels\"}]}")).isTrue();
    assertThat(matches("{\"==\": [{\"cat\": [\"a\", 1.5, 1000000]}, \"a1.51000000\"]}")).isTrue();
    assertThat(matches("{\"==\": [{\"substr\": [\"jsonlogic\", 1, -2]}, \"sonlog\"]}")).isTrue();
    assertThat(matches("{\"==\": [{\"cat\": [true]}, \"true\"]}")).isFalse();
  }

  @Test
  void arithmeticReadsUnparseableStringsAsZeroAndFailsOnDivisionByZero() {
    assertThat(matches("{\"==\": [{\"+\": [\"a\", 1]}, 1]}")).isTrue();
    assertThat(matches("{\"!\": {\"/\": [1, 0]}}")).isFalse();
    assertThat(matches("{\"==\": [{\"%\": [-7, 3]}, -1]}")).isTrue();
  }

  @Test
  void arrayOperatorsScopeTheirData() {
    assertThat(matches("{\"some\": [{\"var\": \"labels\"}, {\"==\": [{\"var\": \"\"}, \"beta\"]}]}")).isTrue();
    assertThat(matches("{\"all\": [[], true]}")).isFalse();
    assertThat(matches("{\"none\": [[], true]}")).isTrue();
    assertThat(matches("{\"==\": [{\"reduce\": [[1, 2, 3], {\"+\": [{\"var\": \"current\"}, {\"var\": \"accumulator\"}]}, 0]}, 6]}")).isTrue();
  }

  @Test
  void ifChainsAndSet() {
    assertThat(matches("{\"if\": [false, 1, false, 2, 3]}")).isTrue();
    assertThat(matches("{\"if\": [false, 1]}")).isFalse();
    assertThat(matches("{\"==\": [{\"set\": [\"a\", 1]}, \"a\"]}")).isTrue();
    assertThat(matches("{\"set\": 5}")).isFalse();
  }
}
