package dev.flagrelay.engine.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nikunjy language's quirks, one per test (the relay's answers are in RelayObservedQueriesTest). */
class NikunjyQueryTest {

  private static final Map<String, Object> USER = Map.of(
      "targetingKey", "user-1", "email", "John.Doe@Example.org", "age", 30, "rate", 3.14,
      "company", Map.of("name", "Acme", "size", 120), "labels", List.of("pro"), "version", "1.10.0");

  private static boolean matches(String query) {
    return Queries.compile(query).matches(QueryContext.of(USER));
  }

  private static boolean matches(String query, Map<String, Object> attributes) {
    return Queries.compile(query).matches(QueryContext.of(attributes));
  }

  @Test
  void andOrHaveEqualPrecedenceLeftAssociative() {
    assertThat(matches("age eq 30 or age eq 1 and age eq 2")).isFalse();
    assertThat(matches("age eq 1 and age eq 2 or age eq 30")).isTrue();
  }

  @Test
  void upperCaseAndIsNotAnOperatorSoTheRestIsIgnored() {
    assertThat(matches("age eq 30 AND missing pr")).isTrue();
    assertThat(matches("age eq 31 OR age eq 30")).isFalse();
  }

  @Test
  void trailingTextAfterACompleteQueryIsIgnored() {
    assertThat(matches("age eq 30 garbage")).isTrue();
    assertThat(matches("(age eq 30) )) garbage")).isTrue();
  }

  @Test
  void missingClosingParenthesisAtTheEndIsTolerated() {
    assertThat(matches("age eq 31 or (age eq 30")).isTrue();
  }

  @Test
  void incompleteQueryIsNotApplied() {
    assertThat(Queries.compileOrError("age eq 30 and").ok()).isFalse();
    assertThat(matches("age eq 30 and missing")).isFalse();
    assertThat(matches("not (age eq 30 and")).isFalse();
  }

  @Test
  void upperCaseOperatorsAndSymbolsWorkButMixedCaseAndDoubleSpacesDoNot() {
    assertThat(matches("age EQ 30")).isTrue();
    assertThat(matches("age >= 30")).isTrue();
    assertThat(Queries.compileOrError("age Eq 30").ok()).isFalse();
    assertThat(Queries.compileOrError("age  eq 30").ok()).isFalse();
    assertThat(matches("age eq  30")).isTrue();
  }

  @Test
  void stringLiteralLowerCasesBothSidesButInIsCaseSensitive() {
    assertThat(matches("email eq \"john.doe@EXAMPLE.org\"")).isTrue();
    assertThat(matches("email sw \"JOHN\"")).isTrue();
    assertThat(matches("email in [\"john.doe@example.org\"]")).isFalse();
    assertThat(matches("email in [\"John.Doe@Example.org\"]")).isTrue();
  }

  @Test
  void stringsCompareByCodePointNotByUtf16Unit() {
    assertThat(matches("name lt \"\uD83D\uDE00\"", Map.of("name", "\uFFFF"))).isTrue();
  }

  @Test
  void lowerCasingIsPerCodePoint() {
    assertThat(matches("name eq \"i\"", Map.of("name", "\u0130"))).isTrue();
    assertThat(matches("name eq \"straße\"", Map.of("name", "STRASSE"))).isFalse();
  }

  @Test
  void escapesKeepTheStringOpenButAreNotDecoded() {
    assertThat(matches("name eq \"a\\\"b\"", Map.of("name", "a\\\"b"))).isTrue();
  }

  @Test
  void integerLiteralTruncatesAFloatAttribute() {
    assertThat(matches("rate eq 3")).isTrue();
    assertThat(matches("rate gt 3")).isFalse();
    assertThat(matches("rate eq -3", Map.of("rate", -3.9))).isTrue();
  }

  @Test
  void nestedNumbersAreDoublesSoIntegerInDoesNotMatch() {
    assertThat(matches("company.size eq 120")).isTrue();
    assertThat(matches("company.size in [120]")).isFalse();
    assertThat(matches("company.size in [120.0]")).isTrue();
    assertThat(matches("age in [30]")).isTrue();
  }

  @Test
  void integerWithExponentOrOutOfRangeComparesFalseWithoutFailingTheQuery() {
    assertThat(matches("age lt 1e3")).isFalse();
    assertThat(matches("not (age lt 1e3)")).isTrue();
    assertThat(matches("not (age eq 99999999999999999999)")).isTrue();
  }

  @Test
  void leadingZeroEndsTheNumber() {
    assertThat(matches("age eq 030")).isFalse();
    assertThat(matches("age eq 0123", Map.of("age", 0))).isTrue();
  }

  @Test
  void booleanLiteralOnlyMatchesBooleans() {
    assertThat(matches("flag eq true", Map.of("flag", true))).isTrue();
    assertThat(matches("flag eq true", Map.of("flag", "true"))).isFalse();
  }

  @Test
  void nullLiteralMeansMissingOrNullAndPoisonsOtherOperators() {
    Map<String, Object> withNull = new HashMap<>(USER);
    withNull.put("gone", null);
    assertThat(matches("missing eq null")).isTrue();
    assertThat(matches("gone eq null", withNull)).isTrue();
    assertThat(matches("email ne null")).isTrue();
    assertThat(matches("age gt null or age eq 30")).isFalse();
    assertThat(matches("age eq 30 or age gt null")).isTrue();
  }

  @Test
  void missingAttributeMakesItsComparisonFalseEvenNe() {
    assertThat(matches("missing ne \"x\"")).isFalse();
    assertThat(matches("not (missing eq \"x\")")).isTrue();
  }

  @Test
  void presentIsTrueForAnyNonNullValueAndArraysMatchNothingElse() {
    assertThat(matches("flag pr", Map.of("flag", false))).isTrue();
    assertThat(matches("labels pr")).isTrue();
    assertThat(matches("labels co \"pro\"")).isFalse();
  }

  @Test
  void pathWithMissingParentReusesThePreviousOperand() {
    assertThat(matches("age eq 30 and missing.x eq 30")).isTrue();
    assertThat(matches("age eq 30 and missing.x eq 31")).isFalse();
    assertThat(matches("missing.x pr")).isFalse();
    Map<String, Object> nullParent = new HashMap<>(USER);
    nullParent.put("a", null);
    assertThat(matches("age eq 30 and a.b eq 30", nullParent)).isTrue();
  }

  @Test
  void pathThroughANonObjectMeansRuleNotApplied() {
    assertThat(matches("not (email.x eq \"y\")")).isFalse();
    assertThat(matches("not (labels.x eq 1)")).isFalse();
    assertThat(matches("age eq 30 or email.x eq \"y\"")).isTrue();
  }

  @Test
  void notWithParenthesesIsTightWithoutThemItNegatesTheRest() {
    assertThat(matches("not (age eq 31) and age eq 31")).isFalse();
    assertThat(matches("not age eq 31 and age eq 31")).isTrue();
    assertThat(matches("NOT (age eq 31)")).isTrue();
  }

  @Test
  void semverLiteralUsesSemverPrecedence() {
    assertThat(matches("version gt 1.9.0")).isTrue();
    assertThat(matches("version gt \"1.9.0\"")).isFalse();
    assertThat(matches("v gt 1.0.0-10", Map.of("v", "1.0.0-2"))).isFalse();
    assertThat(matches("v lt 1.0.0", Map.of("v", "1.0.0-rc.1"))).isTrue();
    assertThat(matches("v eq 1.2.3", Map.of("v", "1.2.3+build.7"))).isTrue();
    assertThat(matches("v gt 1.0.0", Map.of("v", "v1.2.0"))).isFalse();
    assertThat(matches("v eq 1.0.0", Map.of("v", "01.0.0"))).isFalse();
  }

  @Test
  void crashInputsOfTheOfficialModuleAreNotApplied() {
    for (String query : List.of("age\teq 30", "email eq 'x'", "age eq", "age in []", "name eq john", "true")) {
      Queries.Compiled compiled = Queries.compileOrError(query);
      assertThat(compiled.ok()).as(query).isFalse();
      assertThat(compiled.error()).as(query).isNotBlank();
      assertThat(compiled.query().matches(QueryContext.of(USER))).as(query).isFalse();
    }
  }

  @Test
  void trimJoinsLinesWithoutASpace() {
    assertThat(matches("age eq 30\nand missing pr")).isTrue();
    assertThat(matches("age eq 30 and \n   missing pr")).isFalse();
    assertThat(matches("age eq 30 and\n   missing pr")).isTrue(); // "andmissing": not a connective
    assertThat(Queries.compile("  \n  ")).isSameAs(Query.ALWAYS);
    assertThat(Queries.compile(null)).isSameAs(Query.ALWAYS);
  }

  @Test
  void contextKeyIsTheTargetingKeyAndAnonymousDefaultsToFalse() {
    Map<String, Object> attributes = Map.of("targetingKey", "u1", "key", "other", "anonymous", "yes");
    Map<String, Object> context = QueryContext.of(attributes);
    assertThat(context).containsEntry("key", "u1").containsEntry("targetingKey", "u1")
        .containsEntry("anonymous", false);
  }

  @Test
  void contextNumbersAreLongWhenIntegralAtTopLevelOnly() {
    Map<String, Object> nested = Map.of("n", 1);
    Map<String, Object> context = QueryContext.of(Map.of(
        "i", 3, "d", 3.0, "f", 3.5f, "big", new BigDecimal("4.00"), "frac", new BigDecimal("4.5"), "nested", nested));
    assertThat(context).containsEntry("i", 3L).containsEntry("d", 3L).containsEntry("f", 3.5)
        .containsEntry("big", 4L).containsEntry("frac", 4.5).containsEntry("nested", nested);
  }
}
