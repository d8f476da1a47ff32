package dev.flagrelay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Answers of relay v1.55.2 that the differential test ({@code RealRelayEngineDifferentialIT})
 * found the engine giving differently, each with the seed that found it.
 */
class RelayObservedTest {
  private static final Instant NOW = Instant.parse("2024-01-10T00:00:00Z");
  private static final String SPLIT = "\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"defaultRule\":{\"percentage\":{\"A\":50,\"B\":50}}";

  private static EvaluationResult evaluate(String flag, EvaluationContext context) {
    return FlagConfiguration.parse("{\"flags\":{\"f\":" + flag + "}}").evaluate("f", context, "dflt", NOW);
  }

  /** Seed 1: the relay finds the targeting key at the path {@code targetingKey}. */
  @Test
  void bucketingKeyPathTargetingKeyIsTheTargetingKey() {
    for (int i = 0; i < 20; i++) {
      EvaluationResult byPath = evaluate("{\"bucketingKey\":\"targetingKey\"," + SPLIT + "}", EvaluationContext.of("user-" + i));
      EvaluationResult byKey = evaluate("{" + SPLIT + "}", EvaluationContext.of("user-" + i));
      assertThat(byPath.errorCode()).isNull();
      assertThat(byPath.variant()).isEqualTo(byKey.variant());
    }
  }

  /** Seed 1, and the relay by hand: without a targeting key the path is missing, even for a flag without a split. */
  @Test
  void bucketingKeyPathTargetingKeyWithoutATargetingKeyIsMissing() {
    String staticFlag = "{\"bucketingKey\":\"targetingKey\",\"variations\":{\"A\":\"a\"},\"defaultRule\":{\"variation\":\"A\"}}";
    assertThat(evaluate(staticFlag, EvaluationContext.of(null, Map.of())).errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
    assertThat(evaluate(staticFlag, EvaluationContext.of("", Map.of())).variant()).isEqualTo("A");
  }

  /**
   * Seed 100, then the relay by hand (each query the rule of a flag, context {@code
   * {"targetingKey":"u","team":{"id":"x"}}}): arithmetic on a boolean, null, array or object is an
   * error (rule not applied), strings are read as numbers ("abc" as 0), {@code /} and {@code -}
   * fold over every argument, a division by zero is IEEE (±Infinity, NaN), not an error; {@code
   * -} and {@code /} of a single argument not in an array are NaN, {@code max} and {@code min}
   * of one null; the three-argument {@code <} and {@code <=} evaluate every argument (seed 107).
   * A rule whose result is -0 matches (the reference writes it as "-0"), though -0 is falsy inside
   * the rule (seed 130).
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"!==\":[{\"+\":[{\"var\":\"anonymous\"},4]},{\"var\":\"plan\"}]} | false",
    "{\"!==\":[{\"+\":[false,2]},\"zzz\"]} | false",
    "{\"!==\":[{\"+\":[2,null]},\"zzz\"]} | false",
    "{\"!==\":[{\"-\":[[1],2]},\"zzz\"]} | false",
    "{\"!==\":[{\"*\":[2,{\"var\":\"team\"}]},\"zzz\"]} | false",
    "{\"!==\":[{\"/\":[true,2]},\"zzz\"]} | false",
    "{\"!==\":[{\"%\":[null,2]},\"zzz\"]} | false",
    "{\"!==\":[{\"max\":[2,[]]},\"zzz\"]} | false",
    "{\"!==\":[{\"min\":[true,2]},\"zzz\"]} | false",
    "{\"!==\":[{\"abs\":[null]},\"zzz\"]} | false",
    "{\"!==\":[{\"+\":[\"abc\",2]},\"zzz\"]} | true",
    "{\"!==\":[{\"/\":[2,0]},\"zzz\"]} | true",
    "{\"!==\":[{\"/\":[2,\"\"]},\"zzz\"]} | true",
    "{\"!==\":[{\"%\":[2,\"0\"]},\"zzz\"]} | true",
    "{\"==\":[{\"/\":[2,\"abc\"]},{\"/\":[1,0]}]} | true",
    "{\">\":[{\"/\":[2,\"abc\"]},1000000]} | true",
    "{\"==\":[{\"/\":[0,\"abc\"]},{\"/\":[0,\"abc\"]}]} | false",
    "{\"==\":[{\"/\":[2]},2]} | true",
    "{\"==\":[{\"/\":[6,2,3]},1]} | true",
    "{\"==\":[{\"-\":[7,4,3]},0]} | true",
    "{\"==\":[{\"%\":[7,4,3]},3]} | true",
    "{\"!==\":[{\"-\":[]},\"zzz\"]} | true",
    "{\"==\":[{\"-\":[]},0]} | false",
    "{\"!==\":[{\"/\":[]},\"zzz\"]} | true",
    "{\"==\":[{\"/\":[]},0]} | false",
    "{\"!==\":[{\"%\":[2]},\"zzz\"]} | false",
    "{\"!\":{\"-\":1}} | true",
    "{\"-\":1} | false",
    "{\"!=\":[{\"-\":1},\"zzz\"]} | true",
    "{\"==\":[{\"-\":1},0]} | false",
    "{\"!\":{\"/\":1}} | true",
    "{\"===\":[{\"max\":1},null]} | true",
    "{\"===\":[{\"min\":1},null]} | true",
    "{\"!\":{\"max\":1}} | true",
    "{\"==\":[{\"+\":3},3]} | true",
    "{\"==\":[{\"-\":[1]},-1]} | true",
    "{\"!\":{\"<\":[5,1,{\"min\":[true]}]}} | false",
    "{\"!\":{\"<=\":[5,1,{\"min\":[true]}]}} | false",
    "{\"!\":{\"<\":[5,1,{\"+\":[true]}]}} | false",
    "{\"!\":{\"and\":[false,{\"min\":[true]}]}} | true",
    "{\"!\":{\"if\":[false,{\"min\":[true]},false]}} | true",
    "{\"-\":[0]} | true",
    "{\"-\":[\"plain\"]} | true",
    "{\"*\":[-1,0]} | true",
    "{\"+\":[0]} | false",
    "{\"!\":{\"-\":[0]}} | true",
    "{\"if\":[true,{\"-\":[0]},false]} | true",
  })
  void jsonLogicArithmeticAsTheRelay(String query, boolean matched) {
    String flag =
        "{\"variations\":{\"yes\":true,\"no\":false},\"defaultRule\":{\"variation\":\"no\"},"
            + "\"targeting\":[{\"query\":" + quoted(query) + ",\"variation\":\"yes\"}]}";
    EvaluationResult result = evaluate(flag, EvaluationContext.of("u", Map.of("team", Map.of("id", "x"))));
    assertThat(result.variant()).isEqualTo(matched ? "yes" : "no");
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * Seed 100, then the relay by hand (context {@code {"targetingKey":"u","plan":"free","num":46,
   * "labels":["a",1],"obj":{"a":1}}}): {@code some}, {@code all}, {@code none}, {@code filter} and
   * {@code map} over a value that is neither an array nor null are errors (over null: no items),
   * except that {@code some}, {@code all} and {@code none} see no items in any falsy value ("", 0,
   * false) and in an empty object;
   * {@code cat} and {@code substr} read null as "".
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"none\":[{\"var\":\"plan\"},{\">\":[{\"var\":\"\"},45]}]} | false",
    "{\"none\":[{\"var\":\"num\"},{\">\":[{\"var\":\"\"},45]}]} | false",
    "{\"none\":[{\"var\":\"obj\"},{\">\":[{\"var\":\"\"},45]}]} | false",
    "{\"none\":[{\"var\":\"missingx\"},{\">\":[{\"var\":\"\"},45]}]} | true",
    "{\"none\":[{\"var\":\"labels\"},{\">\":[{\"var\":\"\"},45]}]} | true",
    "{\"!\":{\"some\":[{\"var\":\"plan\"},{\">\":[{\"var\":\"\"},45]}]}} | false",
    "{\"!\":{\"all\":[{\"var\":\"obj\"},{\">\":[{\"var\":\"\"},45]}]}} | false",
    "{\"!\":{\"filter\":[{\"var\":\"plan\"},true]}} | false",
    "{\"!\":{\"map\":[{\"var\":\"plan\"},1]}} | false",
    "{\"!\":{\"none\":[{\"var\":\"missingx\"},true]}} | false",
    "{\"!=\":[41,{\"cat\":[{\"var\":\"missingx\"},\"t-1\"]}]} | true",
    "{\"==\":[{\"cat\":[{\"var\":\"missingx\"},\"t-1\"]},\"t-1\"]} | true",
    "{\"!\":{\"==\":[{\"cat\":[true,\"t-1\"]},\"truet-1\"]}} | false",
    "{\"!\":{\"==\":[{\"cat\":[{\"var\":\"obj\"},\"t-1\"]},\"t-1\"]}} | false",
    "{\"==\":[{\"substr\":[{\"var\":\"missingx\"},0]},\"\"]} | true",
    "{\"!\":{\"==\":[{\"substr\":[{\"var\":\"missingx\"},1]},\"zzz\"]}} | true",
    "{\"!\":{\"==\":[{\"substr\":[true,0]},\"zzz\"]}} | false",
    "{\"none\":[{\"var\":\"es\"},{\">\":[{\"var\":\"\"},45]}]} | true",
    "{\"none\":[{\"var\":\"zero\"},{\">\":[{\"var\":\"\"},45]}]} | true",
    "{\"none\":[{\"var\":\"f\"},{\">\":[{\"var\":\"\"},45]}]} | true",
    "{\"none\":[{\"var\":\"t\"},{\">\":[{\"var\":\"\"},45]}]} | false",
    "{\"none\":[{\"var\":\"eo\"},{\">\":[{\"var\":\"\"},45]}]} | true",
    "{\"!\":{\"some\":[{\"var\":\"es\"},true]}} | true",
    "{\"!\":{\"all\":[{\"var\":\"es\"},true]}} | true",
    "{\"!\":{\"filter\":[{\"var\":\"es\"},true]}} | false",
    "{\"!\":{\"map\":[{\"var\":\"zero\"},true]}} | false",
    "{\"!\":{\"reduce\":[{\"var\":\"es\"},1,0]}} | false",
  })
  void jsonLogicArraysAndStringsAsTheRelay(String query, boolean matched) {
    String flag =
        "{\"variations\":{\"yes\":true,\"no\":false},\"defaultRule\":{\"variation\":\"no\"},"
            + "\"targeting\":[{\"query\":" + quoted(query) + ",\"variation\":\"yes\"}]}";
    Map<String, Object> attributes =
        Map.of("plan", "free", "num", 46, "labels", java.util.List.of("a", 1), "obj", Map.of("a", 1),
            "es", "", "zero", 0, "f", false, "t", true, "eo", Map.of());
    assertThat(evaluate(flag, EvaluationContext.of("u", attributes)).variant()).isEqualTo(matched ? "yes" : "no");
  }

  /**
   * Seed 103, then the relay by hand: an ordering operator with a boolean literal is an error
   * whatever the attribute holds, so the whole query is not applied (the relay refuses such a
   * query at load unless its validation short-circuits past it).
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "not (email > true)",
    "not (email gt false)",
    "not (email lt true)",
    "not (age ge true)",
    "not (professional le true)",
    "not (missing > true)",
    "age gt 1 and not (email > true and nothing co \"x\")",
  })
  void nikunjyOrderingWithABooleanLiteralIsNotApplied(String query) {
    String flag =
        "{\"variations\":{\"yes\":true,\"no\":false},\"defaultRule\":{\"variation\":\"no\"},"
            + "\"targeting\":[{\"query\":" + quoted(query) + ",\"variation\":\"yes\"}]}";
    Map<String, Object> attributes = Map.of("age", 46.0, "email", "x4@example.com", "professional", false);
    assertThat(evaluate(flag, EvaluationContext.of("u", attributes)).variant()).isEqualTo("no");
  }

  /** Seed 103: a step's experimentation merges field by field (its start does not remove an earlier end). */
  @Test
  void scheduledStepExperimentationMergesFieldByField() {
    String flag =
        "{\"variations\":{\"A\":\"a\"},\"defaultRule\":{\"variation\":\"A\"},\"scheduledRollout\":["
            + "{\"date\":\"2024-01-08T00:00:00Z\",\"experimentation\":{\"start\":\"2024-01-11T00:00:00Z\",\"end\":\"2024-01-12T00:00:00Z\"}},"
            + "{\"date\":\"2024-01-11T00:00:00Z\",\"experimentation\":{\"start\":\"2024-01-06T00:00:00Z\"}}]}";
    EvaluationContext afterTheEnd =
        EvaluationContext.of("u", Map.of("gofeatureflag", Map.of("currentDateTime", "2024-01-16T00:00:00Z")));
    EvaluationContext inside =
        EvaluationContext.of("u", Map.of("gofeatureflag", Map.of("currentDateTime", "2024-01-11T12:00:00Z")));
    assertThat(evaluate(flag, afterTheEnd).reason()).isEqualTo(Reason.DISABLED);
    assertThat(evaluate(flag, inside).variant()).isEqualTo("A");
  }

  /** Seed 116: {@code !} and {@code !!} of one argument not in an array that gives an array read its first item. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"!!\":{\"var\":\"scores\"}} | false",
    "{\"!!\":{\"var\":\"scores2\"}} | true",
    "{\"!!\":[{\"var\":\"scores\"}]} | true",
    "{\"!\":{\"var\":\"scores\"}} | true",
    "{\"!\":{\"var\":\"scores2\"}} | false",
    "{\"!\":[{\"var\":\"scores\"}]} | false",
    "{\"!!\":{\"var\":\"empty\"}} | false",
    "{\"!\":{\"var\":\"empty\"}} | true",
  })
  void jsonLogicNegationOfAnArrayValuedArgumentReadsItsFirstItem(String query, boolean matched) {
    String flag =
        "{\"variations\":{\"yes\":true,\"no\":false},\"defaultRule\":{\"variation\":\"no\"},"
            + "\"targeting\":[{\"query\":" + quoted(query) + ",\"variation\":\"yes\"}]}";
    Map<String, Object> attributes =
        Map.of("scores", java.util.List.of(0, 16.09), "scores2", java.util.List.of(16.09, 0), "empty", java.util.List.of());
    assertThat(evaluate(flag, EvaluationContext.of("u", attributes)).variant()).isEqualTo(matched ? "yes" : "no");
  }

  /** Seed 118: {@code in} with a string to search and a needle that is not a string is an error (the rule is not applied). */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"in\":[32,\"user-13271\"]} | false",
    "{\"!\":{\"in\":[32,\"user-13271\"]}} | false",
    "{\"in\":[\"32\",\"user-13271\"]} | true",
    "{\"in\":[3.5,\"a3.5\"]} | false",
    "{\"in\":[32,{\"var\":\"key\"}]} | false",
    "{\"!\":{\"in\":[true,\"true\"]}} | false",
  })
  void jsonLogicInAStringWithANeedleThatIsNoStringIsNotApplied(String query, boolean matched) {
    String flag =
        "{\"variations\":{\"yes\":true,\"no\":false},\"defaultRule\":{\"variation\":\"no\"},"
            + "\"targeting\":[{\"query\":" + quoted(query) + ",\"variation\":\"yes\"}]}";
    assertThat(evaluate(flag, EvaluationContext.of("user-13271", Map.of())).variant()).isEqualTo(matched ? "yes" : "no");
  }

  /**
   * Seed 119: {@code substr} starting after the end, or ending before its start, is an error; a
   * start before the beginning is 0. Seed 125: of "" (or null) it is "" whatever the bounds.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"==\":[{\"substr\":[\"abc\",5]},\"\"]} | false",
    "{\"==\":[{\"substr\":[\"abc\",3]},\"\"]} | true",
    "{\"==\":[{\"substr\":[\"abc\",4]},\"\"]} | false",
    "{\"==\":[{\"substr\":[\"abc\",-5]},\"abc\"]} | true",
    "{\"==\":[{\"substr\":[4,2]},\"\"]} | false",
    "{\"==\":[{\"substr\":[\"abc\",1,10]},\"bc\"]} | true",
    "{\"==\":[{\"substr\":[\"abc\",1,-5]},\"\"]} | false",
    "{\"==\":[{\"substr\":[\"abc\",1,-1]},\"b\"]} | true",
    "{\"==\":[{\"substr\":[\"abc\",2,-2]},\"\"]} | false",
    "{\"==\":[{\"substr\":[\"abc\",0,0]},\"\"]} | true",
    "{\"==\":[{\"substr\":[\"\",1]},\"\"]} | true",
    "{\"==\":[{\"substr\":[\"\",5,-9]},\"\"]} | true",
  })
  void jsonLogicSubstrOutOfRangeIsNotApplied(String query, boolean matched) {
    String flag =
        "{\"variations\":{\"yes\":true,\"no\":false},\"defaultRule\":{\"variation\":\"no\"},"
            + "\"targeting\":[{\"query\":" + quoted(query) + ",\"variation\":\"yes\"}]}";
    assertThat(evaluate(flag, EvaluationContext.of("u", Map.of())).variant()).isEqualTo(matched ? "yes" : "no");
  }

  /** Seed 123: arithmetic and {@code cat} of one argument not written in an array that gives an array take its items as arguments. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "{\"==\":[{\"+\":{\"var\":\"arr\"}},3]} | true",
    "{\"==\":[{\"-\":{\"var\":\"arr\"}},-1]} | true",
    "{\"==\":[{\"*\":{\"var\":\"arr\"}},2]} | true",
    "{\"==\":[{\"max\":{\"var\":\"arr\"}},2]} | true",
    "{\"==\":[{\"min\":{\"var\":\"arr\"}},1]} | true",
    "{\"==\":[{\"%\":{\"var\":\"arr2\"}},1]} | false",
    "{\"==\":[{\"/\":{\"var\":\"arr2\"}},2]} | true",
    "{\"in\":[\"pro\",{\"%\":{\"var\":\"scores\"}}]} | false",
    "{\"!\":{\"in\":[\"pro\",{\"%\":{\"var\":\"scores\"}}]}} | true",
    "{\"==\":[{\"cat\":{\"var\":\"arr\"}},\"12\"]} | true",
  })
  void jsonLogicArithmeticOfAnArrayValuedArgumentSpreadsIt(String query, boolean matched) {
    String flag =
        "{\"variations\":{\"yes\":true,\"no\":false},\"defaultRule\":{\"variation\":\"no\"},"
            + "\"targeting\":[{\"query\":" + quoted(query) + ",\"variation\":\"yes\"}]}";
    Map<String, Object> attributes =
        Map.of("arr", java.util.List.of(1, 2), "arr2", java.util.List.of(6, 3), "scores", java.util.List.of(49, 30.56));
    assertThat(evaluate(flag, EvaluationContext.of("u", attributes)).variant()).isEqualTo(matched ? "yes" : "no");
  }
}
