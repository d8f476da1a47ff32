package dev.flagrelay.engine;

import static dev.flagrelay.engine.Vectors.assertMatches;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every case of the vectors in {@code src/test/resources/vectors} (see its README). The only
 * cases not compared with their {@code expected} are listed in {@code engine/README.md}:
 * the unstable cases of the group {@code order-sensitive-sum}, the cases where the official module
 * crashed (compared with the relay's answer: rule not applied), and the malformed input (compared
 * by error code only).
 */
class VectorsTest {
  private static final String ORDER_SENSITIVE_GROUP = "order-sensitive-sum";
  /** A flag that is not a JSON object: the module answers PARSE_ERROR, so do we (by error code). */
  private static final String MALFORMED_INPUT = "malformed-input";

  @TestFactory
  Stream<DynamicTest> rolloutsAndSemantics() {
    List<DynamicTest> tests = new ArrayList<>();
    JsonNode cases = Vectors.load("rollouts_and_semantics.json").get("cases");
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      tests.add(DynamicTest.dynamicTest(i + " " + c.get("id").asText() + ": " + c.get("note").asText(), () -> runSemanticsCase(c)));
    }
    return tests.stream();
  }

  private static void runSemanticsCase(JsonNode c) {
    JsonNode input = c.get("input");
    FlagConfiguration configuration =
        Vectors.configuration(input.get("flagKey").asText(), input.get("flag"), input.get("flagContext"));
    EvaluationResult result =
        configuration.evaluate(
            input.get("flagKey").asText(),
            Vectors.context(input.get("evalContext")),
            Vectors.defaultValue(input.get("flagContext")),
            Vectors.NOW);
    JsonNode expected = c.get("expected");
    if (c.get("id").asText().equals(MALFORMED_INPUT)) {
      assertThat(result.errorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
      assertThat(result.value()).isNull();
    } else if (expected.has("__trap")) {
      assertMatches(result, relayAnswerWhenRuleNotApplied(c));
    } else {
      assertMatches(result, expected);
    }
  }

  /** The one crash case of this file: the query does not parse, the relay applies the default rule. */
  private static JsonNode relayAnswerWhenRuleNotApplied(JsonNode c) {
    assertThat(c.get("id").asText()).isEqualTo("invalid-query-syntax");
    return Vectors.JSON.createObjectNode()
        .put("value", "A")
        .put("variationType", "A")
        .put("reason", "DEFAULT")
        .put("errorCode", "")
        .put("cacheable", true)
        .put("trackEvents", true)
        .put("version", "");
  }

  @TestFactory
  Stream<DynamicTest> bucketing() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode group : Vectors.load("bucketing.json").get("groups")) {
      String flagKey = group.get("flagKey").asText();
      FlagConfiguration configuration =
          Vectors.configuration(flagKey, group.get("flag"), group.get("flagContext"));
      Object defaultValue = Vectors.defaultValue(group.get("flagContext"));
      for (JsonNode c : group.get("cases")) {
        if (flagKey.equals(ORDER_SENSITIVE_GROUP)) {
          continue; // non-deterministic in the reference and the relay: see the test below
        }
        EvaluationContext context =
            c.has("evalContext")
                ? Vectors.context(c.get("evalContext"))
                : EvaluationContext.of(c.get("targetingKey").asText());
        tests.add(
            DynamicTest.dynamicTest(
                flagKey + " " + context,
                () -> assertMatches(configuration.evaluate(flagKey, context, defaultValue, Vectors.NOW), c.get("expected"))));
      }
    }
    return tests.stream();
  }

  /**
   * The group {@code order-sensitive-sum} is not compared case by case: the reference sums the
   * percentages in random map order, giving the modulus 100000 or 99999 from run to run. The engine
   * sums in sorted name order (A+B+C = 99.99999999999999, modulus 99999); every case where it differs
   * from the recorded answer must be one where the recorded run used the modulus 100000.
   */
  @Test
  void orderSensitiveSumDiffersOnlyWhereTheReferenceModulusFlips() {
    JsonNode group = groupNamed(ORDER_SENSITIVE_GROUP);
    FlagConfiguration configuration =
        Vectors.configuration(ORDER_SENSITIVE_GROUP, group.get("flag"), group.get("flagContext"));
    int differences = 0;
    for (JsonNode c : group.get("cases")) {
      String key = c.get("targetingKey").asText();
      String variant = configuration.evaluate(ORDER_SENSITIVE_GROUP, EvaluationContext.of(key), null, Vectors.NOW).variant();
      String recorded = c.at("/expected/variationType").asText();
      if (!variant.equals(recorded)) {
        differences++;
        long hash = Integer.toUnsignedLong(dev.flagrelay.engine.internal.eval.Fnv1a.hash(ORDER_SENSITIVE_GROUP + key));
        assertThat(variant).as(key).isEqualTo(bucketOf(hash % 99_999));
        assertThat(recorded).as(key).isEqualTo(bucketOf(hash % 100_000));
      }
    }
    assertThat(differences).as("cases where the modulus flip shows").isBetween(1, 307);
  }

  /** {@code {A:16.75, B:52.01, C:31.24}} in descending name order: C, then B, then A. */
  private static String bucketOf(long h) {
    return h < 31_240 ? "C" : h < 83_250 ? "B" : "A";
  }

  private static JsonNode groupNamed(String flagKey) {
    for (JsonNode group : Vectors.load("bucketing.json").get("groups")) {
      if (group.get("flagKey").asText().equals(flagKey)) {
        return group;
      }
    }
    throw new AssertionError("no group " + flagKey);
  }

  @TestFactory
  Stream<DynamicTest> nikunjyQueries() {
    return queryCases("nikunjy_queries.json");
  }

  @TestFactory
  Stream<DynamicTest> jsonLogicQueries() {
    return queryCases("jsonlogic_queries.json");
  }

  private static Stream<DynamicTest> queryCases(String file) {
    JsonNode vectors = Vectors.load(file);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : vectors.get("cases")) {
      tests.add(
          DynamicTest.dynamicTest(
              c.get("id").asText() + " " + c.get("query").asText(),
              () -> runQueryCase(vectors.get("baseContext"), c)));
    }
    return tests.stream();
  }

  private static void runQueryCase(JsonNode baseContext, JsonNode c) {
    ObjectNode flag = Vectors.JSON.createObjectNode();
    flag.putObject("variations").put("match", true).put("nomatch", false);
    flag.putArray("targeting").addObject().put("name", "rule").put("query", c.get("query").asText()).put("variation", "match");
    flag.putObject("defaultRule").put("variation", "nomatch");
    ObjectNode flagContext = Vectors.JSON.createObjectNode();
    flagContext.putObject("evaluationContextEnrichment").put("env", "production");
    ObjectNode context = baseContext.deepCopy();
    context.setAll((ObjectNode) c.get("contextOverrides"));
    EvaluationResult result =
        Vectors.configuration("q", flag, flagContext).evaluate("q", Vectors.context(context), null, Vectors.NOW);
    if (c.path("wasmTrap").asBoolean()) {
      assertThat(c.at("/nativeGoExpected/matched").asBoolean()).isFalse();
      assertMatches(result, noMatch());
    } else {
      assertMatches(result, c.get("expected"));
    }
  }

  /** What the relay answers when the rule is not applied (the crash cases of the official module). */
  private static JsonNode noMatch() {
    return Vectors.JSON.createObjectNode()
        .put("value", false)
        .put("variationType", "nomatch")
        .put("reason", "DEFAULT")
        .put("errorCode", "")
        .put("cacheable", true)
        .put("trackEvents", true)
        .put("version", "");
  }

  @TestFactory
  Stream<DynamicTest> specAppendixB() {
    JsonNode spec = Vectors.load("spec_appendix_b.json");
    FlagConfiguration configuration;
    try (var in = VectorsTest.class.getResourceAsStream("/vectors/spec_appendix_b_flags.json")) {
      configuration = FlagConfiguration.parse(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    EvaluationContext context = Vectors.context(spec.get("B1_canonicalEvaluationContext"));
    assertThat(configuration.evaluationContextEnrichment())
        .isEqualTo(Vectors.JSON.convertValue(spec.at("/B2_inProcessExpectedResults/evaluationContextEnrichment"), Map.class));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode row : spec.at("/B2_inProcessExpectedResults/rows")) {
      tests.add(DynamicTest.dynamicTest(row.toString(), () -> runAppendixRow(configuration, context, row)));
    }
    return tests.stream();
  }

  private static final Object SDK_DEFAULT = "<SDK default>";
  private static final Set<String> TYPE_CHECKED_BY_THE_PROVIDER = Set.of("TYPE_MISMATCH");

  private static void runAppendixRow(FlagConfiguration configuration, EvaluationContext context, JsonNode row) {
    String flag = row.get("flag").asText();
    EvaluationResult result = configuration.evaluate(flag, context, SDK_DEFAULT, Vectors.NOW);
    String errorCode = row.path("errorCode").asText(null);
    if (errorCode != null && TYPE_CHECKED_BY_THE_PROVIDER.contains(errorCode)) {
      // The engine answers the string; the provider, asked for a boolean, reports TYPE_MISMATCH.
      assertThat(result.value()).isInstanceOf(String.class);
      assertThat(result.failed()).isFalse();
      return;
    }
    Object expectedValue =
        row.get("value").asText().equals(SDK_DEFAULT) ? SDK_DEFAULT : Vectors.JSON.convertValue(row.get("value"), Object.class);
    assertThat(Vectors.sameJson(Vectors.JSON.valueToTree(result.value()), Vectors.JSON.valueToTree(expectedValue)))
        .as(result + " vs " + row)
        .isTrue();
    assertThat(result.variant()).isEqualTo(row.get("variant").isNull() ? null : row.get("variant").asText());
    assertThat(result.reason().name()).isEqualTo(row.get("reason").asText());
    assertThat(result.errorCode() == null ? null : result.errorCode().name()).isEqualTo(errorCode);
  }
}
