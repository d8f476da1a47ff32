package dev.flagrelay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The engine's verdict on each kind of flag the relay refuses at load time, as engine/README.md
 * ("Flags the relay refuses at load time") documents it: evaluated as the vectors say, never
 * rejected and never failing with GENERAL. (The relay never serves these flags: its OFREP answer
 * is FLAG_NOT_FOUND, which {@code RealRelayEngineDifferentialIT} counts.)
 */
class RelayRefusedFlagsTest {
  private static final Instant NOW = Instant.parse("2024-01-10T00:00:00Z");

  private static EvaluationResult evaluate(String flag) {
    FlagConfiguration configuration = FlagConfiguration.parse("{\"flags\":{\"f\":" + flag + "}}");
    assertThat(configuration.unsupportedFlags()).as("compiled, not rejected").isEmpty();
    return configuration.evaluate("f", EvaluationContext.of("user-1"), "dflt", NOW);
  }

  @Test
  void ruleNamingAVariationThatDoesNotExistAnswersThatVariantWithANullValue() {
    EvaluationResult result = evaluate("{\"variations\":{\"A\":\"a\"},\"defaultRule\":{\"variation\":\"Z\"}}");
    assertThat(result.errorCode()).isNull();
    assertThat(result.variant()).isEqualTo("Z");
    assertThat(result.value()).isNull();
  }

  @Test
  void ruleWithoutAResultIsFlagConfig() {
    EvaluationResult result = evaluate("{\"variations\":{\"A\":\"a\"},\"defaultRule\":{\"name\":\"empty\"}}");
    assertThat(result.errorCode()).isEqualTo(ErrorCode.FLAG_CONFIG);
    assertThat(result.value()).isEqualTo("dflt");
  }

  @Test
  void allZeroSplitIsFlagConfig() {
    EvaluationResult result = evaluate("{\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"defaultRule\":{\"percentage\":{\"A\":0,\"B\":0}}}");
    assertThat(result.errorCode()).isEqualTo(ErrorCode.FLAG_CONFIG);
  }

  @Test
  void queryThatDoesNotCompileNeverMatches() {
    EvaluationResult result = evaluate(
        "{\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"targeting\":[{\"query\":\"age gt\",\"variation\":\"A\"}],\"defaultRule\":{\"variation\":\"B\"}}");
    assertThat(result.errorCode()).isNull();
    assertThat(result.variant()).isEqualTo("B");
    assertThat(result.reason()).isEqualTo(Reason.DEFAULT);
  }

  /** Listed as refused in shared/engine/README.md; relay v1.55.2 serves it (0 % to 0 %) and answers the same. */
  @Test
  void progressiveRolloutEndingAtZeroPercentCountsAsOneHundred() {
    EvaluationResult result = evaluate(
        "{\"variations\":{\"A\":\"a\",\"B\":\"b\"},\"defaultRule\":{\"progressiveRollout\":{"
            + "\"initial\":{\"variation\":\"A\",\"percentage\":0,\"date\":\"2024-01-01T00:00:00Z\"},"
            + "\"end\":{\"variation\":\"B\",\"percentage\":0,\"date\":\"2024-01-02T00:00:00Z\"}}}}");
    assertThat(result.errorCode()).isNull();
    assertThat(result.variant()).as("after the end date everyone is in the end variation").isEqualTo("B");
  }
}
