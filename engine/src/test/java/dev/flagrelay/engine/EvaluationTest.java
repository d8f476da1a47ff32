package dev.flagrelay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Rules of one evaluation that the vectors do not pin down alone (README sections 2 and 3). */
class EvaluationTest {
  private static final Instant NOW = Instant.parse("2024-01-10T00:00:00Z");

  private static EvaluationResult evaluate(String flag, EvaluationContext context) {
    return FlagConfiguration.parse("{\"flags\":{\"f\":" + flag + "}}").evaluate("f", context, "dflt", NOW);
  }

  @Test
  void scheduledStepRemovesANullVariationAndKeepsTheRuleItNamesBroken() {
    String flag =
        "{\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"defaultRule\":{\"variation\":\"B\"},"
            + "\"scheduledRollout\":[{\"date\":\"2024-01-05T00:00:00Z\",\"variations\":{\"B\":null,\"C\":\"c\"}}]}";
    EvaluationResult result = evaluate(flag, EvaluationContext.of("u"));
    assertThat(result.variant()).isEqualTo("B");
    assertThat(result.value()).isNull();
  }

  @Test
  void scheduledStepRuleReplacesOnlyTheFieldsItSetsAndNewNamesAreAppended() {
    String flag =
        "{\"variations\":{\"A\":\"a\",\"B\":\"b\",\"C\":\"c\"},"
            + "\"targeting\":[{\"name\":\"r1\",\"variation\":\"A\"}],\"defaultRule\":{\"variation\":\"C\"},"
            + "\"version\":\"1\",\"trackEvents\":false,"
            + "\"scheduledRollout\":[{\"date\":\"2024-01-05T00:00:00Z\",\"version\":\"2\",\"trackEvents\":true,"
            + "\"targeting\":[{\"name\":\"r1\",\"variation\":\"B\"},{\"name\":\"r2\",\"variation\":\"C\"}]}]}";
    EvaluationResult result = evaluate(flag, EvaluationContext.of("u"));
    assertThat(result.variant()).isEqualTo("B");
    assertThat(result.metadata()).containsEntry("evaluatedRuleName", "r1");
    assertThat(result.version()).as("version of the original flag").isEqualTo("1");
    assertThat(result.trackEvents()).as("trackEvents of the original flag").isFalse();
    assertThat(result.cacheable()).isFalse();
  }

  /** Found by the differential test against the relay (seed 1): the step's percentage does not replace the rollout. */
  @Test
  void scheduledStepDefaultRuleMergesIntoTheDefaultRuleFieldByField() {
    String flag =
        "{\"variations\":{\"A\":\"a\",\"B\":\"b\"},"
            + "\"defaultRule\":{\"progressiveRollout\":{\"initial\":{\"variation\":\"A\",\"percentage\":0,\"date\":\"2024-01-01T00:00:00Z\"},"
            + "\"end\":{\"variation\":\"B\",\"percentage\":100,\"date\":\"2024-01-02T00:00:00Z\"}}},"
            + "\"scheduledRollout\":[{\"date\":\"2024-01-05T00:00:00Z\",\"defaultRule\":{\"percentage\":{\"A\":100,\"B\":0}}}]}";
    assertThat(evaluate(flag, EvaluationContext.of("u")).variant()).isEqualTo("B");
  }

  @Test
  void stepsAfterNowAreNotApplied() {
    String flag =
        "{\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"defaultRule\":{\"variation\":\"A\"},"
            + "\"scheduledRollout\":[{\"date\":\"2024-01-10T00:00:01Z\",\"defaultRule\":{\"variation\":\"B\"}}]}";
    assertThat(evaluate(flag, EvaluationContext.of("u")).variant()).isEqualTo("A");
  }

  @Test
  void currentDateTimeAttributeReplacesNow() {
    String flag =
        "{\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"defaultRule\":{\"variation\":\"A\"},"
            + "\"scheduledRollout\":[{\"date\":\"2030-01-01T00:00:00Z\",\"defaultRule\":{\"variation\":\"B\"}}]}";
    EvaluationContext pinned =
        EvaluationContext.of("u", Map.of("gofeatureflag", Map.of("currentDateTime", "2030-01-01T00:00:00+00:00")));
    assertThat(evaluate(flag, pinned).variant()).isEqualTo("B");
  }

  @Test
  void disabledFlagAnswersTheCallersDefault() {
    EvaluationResult result =
        evaluate("{\"disable\":true,\"variations\":{\"A\":\"a\"},\"defaultRule\":{\"variation\":\"A\"},\"metadata\":{\"m\":1}}", EvaluationContext.of("u"));
    assertThat(result.value()).isEqualTo("dflt");
    assertThat(result.variant()).isEqualTo("SdkDefault");
    assertThat(result.reason()).isEqualTo(Reason.DISABLED);
    assertThat(result.failed()).isFalse();
    assertThat(result.cacheable()).isTrue();
  }

  @Test
  void ruleWithoutAResultIsAFlagConfigError() {
    EvaluationResult result = evaluate("{\"variations\":{\"A\":\"a\"},\"defaultRule\":{}}", EvaluationContext.of("u"));
    assertThat(result.errorCode()).isEqualTo(ErrorCode.FLAG_CONFIG);
    assertThat(result.value()).isEqualTo("dflt");
  }

  @Test
  void splitInADefaultRuleWithOneHundredPercentBucketIsNotASplit() {
    EvaluationResult result =
        evaluate("{\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"targeting\":[{\"query\":\"x eq 1\",\"variation\":\"A\",\"disable\":true}],"
            + "\"defaultRule\":{\"percentage\":{\"A\":100,\"B\":0}}}", EvaluationContext.of("u"));
    assertThat(result.reason()).isEqualTo(Reason.DEFAULT);
    assertThat(result.variant()).isEqualTo("A");
  }

  @Test
  void nestedBucketingKeyIsFollowedThroughMaps() {
    String flag = "{\"bucketingKey\":\"team.id\",\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"defaultRule\":{\"percentage\":{\"A\":50,\"B\":50}}}";
    EvaluationResult byTeam = evaluate(flag, EvaluationContext.of("ignored", Map.of("team", Map.of("id", "t-1"))));
    EvaluationResult sameTeam = evaluate(flag, EvaluationContext.of("other", Map.of("team", Map.of("id", "t-1"))));
    assertThat(byTeam.variant()).isEqualTo(sameTeam.variant());
    EvaluationResult missing = evaluate(flag, EvaluationContext.of("u", Map.of("team", Map.of())));
    assertThat(missing.errorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
  }

  @Test
  void oneConfigurationIsSharedByManyThreadsWithIdenticalAnswers() throws Exception {
    FlagConfiguration configuration =
        FlagConfiguration.parse("{\"flags\":{\"f\":{\"variations\":{\"A\":\"a\",\"B\":\"b\",\"C\":\"c\"},\"defaultRule\":{\"percentage\":{\"A\":20,\"B\":30,\"C\":50}}}}}");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      expected.add(configuration.evaluate("f", EvaluationContext.of("user-" + i), null, NOW).variant());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<String>>> answers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        answers.add(pool.submit(() -> {
          start.await();
          List<String> variants = new ArrayList<>();
          for (int i = 0; i < 2_000; i++) {
            variants.add(configuration.evaluate("f", EvaluationContext.of("user-" + i), null, NOW).variant());
          }
          return variants;
        }));
      }
      start.countDown();
      for (Future<List<String>> answer : answers) {
        assertThat(answer.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
