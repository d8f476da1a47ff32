package dev.flagrelay.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hostile or wrong configurations and contexts: a clear error for the flag concerned, never a throw. */
class BadInputTest {
  private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
  private static final String GOOD = "\"good\":{\"variations\":{\"A\":\"a\"},\"defaultRule\":{\"variation\":\"A\"}}";

  /** Parses {@code {"flags":{"bad": <bad>, "good": ...}}}, checks "good" still loads, returns bad's reason. */
  private static String reasonFor(String bad) {
    FlagConfiguration configuration =
        FlagConfiguration.parse("{\"flags\":{\"bad\":" + bad + "," + GOOD + "}}");
    assertThat(configuration.evaluate("good", EvaluationContext.of("u"), null, NOW).value()).isEqualTo("a");
    assertThat(configuration.evaluableFlags()).containsExactly("good");
    assertThat(configuration.contains("bad")).isTrue();
    EvaluationResult result = configuration.evaluate("bad", EvaluationContext.of("u"), "dflt", NOW);
    assertThat(result.errorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    assertThat(result.value()).isEqualTo("dflt");
    return configuration.unsupportedFlags().get("bad");
  }

  @Test
  void unknownFlagFieldIsNamed() {
    assertThat(reasonFor("{\"variations\":{\"A\":1},\"defaultRule\":{\"variation\":\"A\"},\"rollout\":{}}"))
        .isEqualTo("rollout: unknown field");
  }

  @Test
  void unknownRuleFieldIsNamedWithItsPath() {
    assertThat(reasonFor("{\"variations\":{\"A\":1},\"targeting\":[{\"query\":\"a eq 1\",\"variation\":\"A\",\"weight\":2}],\"defaultRule\":{\"variation\":\"A\"}}"))
        .isEqualTo("targeting[0].weight: unknown field");
  }

  @Test
  void unknownScheduledStepFieldIsNamed() {
    assertThat(reasonFor("{\"variations\":{\"A\":1},\"defaultRule\":{\"variation\":\"A\"},\"scheduledRollout\":[{\"date\":\"2024-01-01T00:00:00Z\",\"metadata\":{}}]}"))
        .isEqualTo("scheduledRollout[0].metadata: unknown field");
  }

  @Test
  void flagThatIsNotAnObject() {
    assertThat(reasonFor("\"not-an-object\"")).isEqualTo("a flag must be a JSON object, got a string");
  }

  @Test
  void wrongTypes() {
    assertThat(reasonFor("{\"variations\":[1,2]}")).isEqualTo("variations: expected an object, got an array");
    assertThat(reasonFor("{\"disable\":\"true\"}")).isEqualTo("disable: expected a boolean, got a string");
    assertThat(reasonFor("{\"version\":2}")).isEqualTo("version: expected a string, got a number");
    assertThat(reasonFor("{\"targeting\":{}}")).isEqualTo("targeting: expected an array, got an object");
    assertThat(reasonFor("{\"defaultRule\":{\"percentage\":{\"A\":\"50\"}}}"))
        .isEqualTo("defaultRule.percentage.A: expected a number, got a string");
    assertThat(reasonFor("{\"targeting\":[{\"query\":[\"a\"]}]}"))
        .isEqualTo("targeting[0].query: expected a string, got an array");
  }

  @Test
  void invalidDates() {
    assertThat(reasonFor("{\"experimentation\":{\"start\":\"tomorrow\"}}"))
        .isEqualTo("experimentation.start: not an RFC 3339 date-time: tomorrow");
    assertThat(reasonFor("{\"scheduledRollout\":[{\"disable\":true}]}"))
        .isEqualTo("scheduledRollout[0].date: missing");
    assertThat(reasonFor("{\"scheduledRollout\":[{\"date\":\"2024-02-30T00:00:00Z\"}]}"))
        .isEqualTo("scheduledRollout[0].date: not an RFC 3339 date-time: 2024-02-30T00:00:00Z");
    assertThat(reasonFor("{\"defaultRule\":{\"progressiveRollout\":{\"initial\":{\"variation\":\"A\",\"date\":\"2024-01-01\"},\"end\":{\"variation\":\"B\",\"date\":\"2024-01-02T00:00:00Z\"}}}}"))
        .isEqualTo("defaultRule.progressiveRollout.initial.date: not an RFC 3339 date-time: 2024-01-01");
  }

  @Test
  void nanAndInfiniteNumbers() {
    assertThat(reasonFor("{\"variations\":{\"A\":NaN}}")).isEqualTo("number out of range: NaN");
    assertThat(reasonFor("{\"variations\":{\"A\":1e400}}")).startsWith("number out of range");
    assertThat(reasonFor("{\"metadata\":{\"x\":-Infinity}}")).startsWith("number out of range");
  }

  @Test
  void percentagesOutOfRange() {
    assertThat(reasonFor("{\"defaultRule\":{\"percentage\":{\"A\":-1,\"B\":101}}}"))
        .isEqualTo("defaultRule.percentage.A: percentage out of range: -1");
    assertThat(reasonFor("{\"defaultRule\":{\"percentage\":{\"A\":1e7}}}"))
        .isEqualTo("defaultRule.percentage: sum out of range: 1.0E7");
  }

  @Test
  void deeplyNestedValueFailsAloneWithoutStackOverflow() {
    String deep = "[".repeat(50_000) + "]".repeat(50_000);
    assertThat(reasonFor("{\"variations\":{\"A\":" + deep + "}}")).isEqualTo("nested deeper than 128 levels");
  }

  @Test
  void hugeAndDeeplyNestedQueriesNeverThrow() {
    String huge = "{\"variations\":{\"A\":1,\"B\":2},\"targeting\":[{\"query\":\"%s\",\"variation\":\"B\"}],\"defaultRule\":{\"variation\":\"A\"}}";
    for (String query :
        List.of(
            "a eq 1 and ".repeat(100_000) + "a eq 1",
            "(".repeat(100_000) + "a eq 1" + ")".repeat(100_000),
            "{\\\"and\\\":[".repeat(10_000) + "true" + "]}".repeat(10_000),
            "not (".repeat(50_000))) {
      FlagConfiguration configuration =
          FlagConfiguration.parse("{\"flags\":{\"q\":" + String.format(huge, query) + "}}");
      EvaluationResult result = configuration.evaluate("q", EvaluationContext.of("u", Map.of("a", 1)), 0, NOW);
      assertThat(result.errorCode()).isIn(null, ErrorCode.PARSE_ERROR);
    }
  }

  @Test
  void unreadableBodiesThrowTheConfigurationException() {
    assertThatThrownBy(() -> FlagConfiguration.parse("{\"flags\":")).isInstanceOf(FlagConfigurationException.class);
    assertThatThrownBy(() -> FlagConfiguration.parse("[]")).hasMessage("flag configuration must be a JSON object, got ARRAY");
    assertThatThrownBy(() -> FlagConfiguration.parse("{\"flags\":[]}")).hasMessage("\"flags\" must be an object, got ARRAY");
    assertThatThrownBy(() -> FlagConfiguration.parse("{\"evaluationContextEnrichment\":1}"))
        .hasMessage("\"evaluationContextEnrichment\" must be an object, got NUMBER");
  }

  @Test
  void emptyBodyObjectIsAnEmptyConfiguration() {
    FlagConfiguration configuration = FlagConfiguration.parse("{}");
    assertThat(configuration.evaluableFlags()).isEmpty();
    assertThat(configuration.evaluate("x", EvaluationContext.of("u"), 1, NOW).errorCode())
        .isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }

  @Test
  void evaluationNeverThrowsOnStrangeContexts() {
    FlagConfiguration configuration =
        FlagConfiguration.parse(
            "{\"flags\":{\"f\":{\"bucketingKey\":\"team.id\",\"variations\":{\"A\":1,\"B\":2},"
                + "\"targeting\":[{\"query\":\"team.id eq \\\"x\\\"\",\"variation\":\"B\"}],"
                + "\"defaultRule\":{\"percentage\":{\"A\":50,\"B\":50}}}}}");
    Map<String, Object> cyclic = new HashMap<>();
    cyclic.put("self", cyclic);
    cyclic.put("id", cyclic);
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("team", cyclic);
    attributes.put("nan", Double.NaN);
    attributes.put("gofeatureflag", Map.of("currentDateTime", 42));
    attributes.put("nothing", null);
    EvaluationResult result = configuration.evaluate("f", EvaluationContext.of(null, attributes), "d", NOW);
    assertThat(result.errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
    assertThat(result.errorMessage()).isEqualTo("invalid bucketing key");

    assertThat(configuration.evaluate(null, EvaluationContext.of("u"), "d", NOW).errorCode())
        .isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    EvaluationResult noClock = configuration.evaluate("f", EvaluationContext.of("u", Map.of("team", Map.of("id", "t"))), "d", null);
    assertThat(noClock.errorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(noClock.value()).isEqualTo("d");
    assertThat(configuration.evaluate("f", null, "d", NOW).errorCode()).isEqualTo(ErrorCode.GENERAL);
  }
}
