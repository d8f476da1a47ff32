package dev.flagrelay.internal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.internal.relay.RateLimitedException;
import dev.flagrelay.internal.relay.RelayDecodeException;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.openfeature.sdk.ErrorCode;
import java.net.ConnectException;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GOFF-ERR-001..004: one relay failure per test, its error code and its message. */
class ErrorMappingTest {
  private static final String GENERIC_DETAILS = "Error while evaluating the flag: my-flag";

  private static RelayHttpException http(int status, String errorCode, String details) {
    return new RelayHttpException(status, errorCode, details);
  }

  @Test
  void flagNotFound_bodyCodeWins() {
    RelayException failure = http(404, "FLAG_NOT_FOUND", "flag my-flag not found");

    assertThat(ErrorMapping.errorCode(failure)).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }

  @Test
  void targetingKeyMissing_bodyCodeWins() {
    assertThat(ErrorMapping.errorCode(http(400, "TARGETING_KEY_MISSING", GENERIC_DETAILS)))
        .isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
  }

  @Test
  void invalidContext_bodyCodeWins() {
    assertThat(ErrorMapping.errorCode(http(400, "INVALID_CONTEXT", "unexpected EOF")))
        .isEqualTo(ErrorCode.INVALID_CONTEXT);
  }

  @Test
  void parseError_bodyCodeWins() {
    assertThat(ErrorMapping.errorCode(http(400, "PARSE_ERROR", GENERIC_DETAILS))).isEqualTo(ErrorCode.PARSE_ERROR);
  }

  @Test
  void typeMismatch_bodyCodeWins() {
    assertThat(ErrorMapping.errorCode(http(400, "TYPE_MISMATCH", GENERIC_DETAILS))).isEqualTo(ErrorCode.TYPE_MISMATCH);
  }

  @Test
  void unknownCode_misspelledTypeMismatch_isGeneral() {
    assertThat(ErrorMapping.errorCode(http(400, "TYPE_MISSMATCH", GENERIC_DETAILS))).isEqualTo(ErrorCode.GENERAL);
  }

  @Test
  void unknownCode_lowercase_isGeneral() {
    assertThat(ErrorMapping.errorCode(http(404, "flag_not_found", GENERIC_DETAILS))).isEqualTo(ErrorCode.GENERAL);
  }

  @Test
  void flagConfig_goffOnlyCode_isGeneral() {
    assertThat(ErrorMapping.errorCode(http(400, "FLAG_CONFIG", GENERIC_DETAILS))).isEqualTo(ErrorCode.GENERAL);
  }

  @Test
  void generalCode_isGeneral() {
    assertThat(ErrorMapping.errorCode(http(400, "GENERAL", GENERIC_DETAILS))).isEqualTo(ErrorCode.GENERAL);
  }

  @Test
  void bodyCode_errorDetailsCarriedAsMessage() {
    assertThat(ErrorMapping.message(http(404, "FLAG_NOT_FOUND", "flag my-flag not found")))
        .isEqualTo("flag my-flag not found");
  }

  @Test
  void notFoundWithoutCode_isGeneralNotFlagNotFound() {
    assertThat(ErrorMapping.errorCode(http(404, null, "Not Found"))).isEqualTo(ErrorCode.GENERAL);
  }

  @Test
  void notFoundWithoutCode_messagePointsAtEndpointAndPathPrefix() {
    assertThat(ErrorMapping.message(http(404, null, "Not Found")))
        .contains("404")
        .contains("endpoint")
        .contains("path prefix");
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void refusedKey_isGeneral(int status) {
    assertThat(ErrorMapping.errorCode(http(status, null, null))).isEqualTo(ErrorCode.GENERAL);
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void refusedKey_messageMentionsTheApiKeyAndStatus(int status) {
    assertThat(ErrorMapping.message(http(status, null, "Unauthorized")))
        .contains("API key")
        .contains(String.valueOf(status));
  }

  @Test
  void tooManyRequests_isGeneralWithItsOwnMessage() {
    RelayException failure = http(429, null, null);

    assertThat(ErrorMapping.errorCode(failure)).isEqualTo(ErrorCode.GENERAL);
    assertThat(ErrorMapping.message(failure)).contains("429").doesNotContain("API key");
  }

  @Test
  void rateLimitGateClosed_isGeneralMentioningTheWait() {
    RelayException failure = new RateLimitedException(Duration.ofSeconds(3));

    assertThat(ErrorMapping.errorCode(failure)).isEqualTo(ErrorCode.GENERAL);
    assertThat(ErrorMapping.message(failure)).contains("429").contains("3000 ms");
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503})
  void serverFailure_isGeneralNamingTheStatus(int status) {
    RelayException failure = http(status, null, null);

    assertThat(ErrorMapping.errorCode(failure)).isEqualTo(ErrorCode.GENERAL);
    assertThat(ErrorMapping.message(failure)).contains(String.valueOf(status)).doesNotContain("API key");
  }

  @Test
  void serverFailure_bodyMessageCarried() {
    assertThat(ErrorMapping.message(http(502, null, "upstream connect error"))).contains("upstream connect error");
  }

  @Test
  void badRequestWithMessageBody_isGeneralCarryingTheMessage() {
    RelayException failure = http(400, null, "API key not linked to a flagset");

    assertThat(ErrorMapping.errorCode(failure)).isEqualTo(ErrorCode.GENERAL);
    assertThat(ErrorMapping.message(failure)).contains("400").contains("API key not linked to a flagset");
  }

  @Test
  void unreachable_isGeneralWithTheCause() {
    RelayException failure =
        new RelayUnreachableException("relay could not be reached: connection refused", new ConnectException(), false);

    assertThat(ErrorMapping.errorCode(failure)).isEqualTo(ErrorCode.GENERAL);
    assertThat(ErrorMapping.message(failure)).contains("could not be reached");
  }

  @Test
  void timedOut_isGeneral() {
    RelayException failure = new RelayUnreachableException("relay did not answer within 10000 ms", null, true);

    assertThat(ErrorMapping.errorCode(failure)).isEqualTo(ErrorCode.GENERAL);
    assertThat(ErrorMapping.message(failure)).contains("10000 ms");
  }

  @Test
  void undecodableBody_isGeneral() {
    RelayException failure = new RelayDecodeException("evaluation: body is not valid JSON", null);

    assertThat(ErrorMapping.errorCode(failure)).isEqualTo(ErrorCode.GENERAL);
    assertThat(ErrorMapping.message(failure)).contains("not valid JSON");
  }

  /** GOFF-ERR-004: a refused key, a wrong URL, a bad request, a rate limit and a 5xx read differently. */
  @Test
  void statusesWithoutCode_haveDistinctMessages() {
    assertThat(
            Stream.of(401, 404, 400, 429, 500)
                .map(status -> ErrorMapping.message(http(status, null, null)))
                .distinct())
        .hasSize(5);
  }

  @Test
  void relayExceptions_carryNoStackTrace() {
    assertThat(http(404, "FLAG_NOT_FOUND", "x").getStackTrace()).isEmpty();
  }

  /** GOFF-ERR-001: every relay code with an SDK counterpart maps onto it. */
  @Test
  void bodyCodeProviderNotReady_mapsToProviderNotReady() {
    assertThat(ErrorMapping.errorCode(new RelayHttpException(400, "PROVIDER_NOT_READY", "starting")))
        .isEqualTo(ErrorCode.PROVIDER_NOT_READY);
  }
}
