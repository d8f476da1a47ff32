package dev.flagrelay.internal.evaluation;

import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.openfeature.sdk.ErrorCode;

/** Turns a failed relay call into the error code and message an evaluation reports. */
public final class ErrorMapping {
  private ErrorMapping() {}

  /**
   * The body's {@code errorCode} wins when it names an SDK code; unknown codes and {@code
   * FLAG_CONFIG} are GENERAL; without a code every status is GENERAL (a 404 without {@code
   * errorCode} is a wrong URL, not a missing flag).
   */
  public static ErrorCode errorCode(RelayException failure) {
    if (failure instanceof RelayHttpException http && http.errorCode() != null) {
      return fromRelayCode(http.errorCode());
    }
    return ErrorCode.GENERAL;
  }

  static ErrorCode fromRelayCode(String code) {
    switch (code) {
      case "FLAG_NOT_FOUND":
        return ErrorCode.FLAG_NOT_FOUND;
      case "PARSE_ERROR":
        return ErrorCode.PARSE_ERROR;
      case "TYPE_MISMATCH":
        return ErrorCode.TYPE_MISMATCH;
      case "TARGETING_KEY_MISSING":
        return ErrorCode.TARGETING_KEY_MISSING;
      case "INVALID_CONTEXT":
        return ErrorCode.INVALID_CONTEXT;
      case "PROVIDER_NOT_READY":
        return ErrorCode.PROVIDER_NOT_READY;
      default:
        return ErrorCode.GENERAL;
    }
  }

  /** A message that says what happened, never the API key. */
  public static String message(RelayException failure) {
    if (failure instanceof RelayHttpException http) {
      return httpMessage(http);
    }
    return failure.getMessage();
  }

  private static String httpMessage(RelayHttpException http) {
    if (http.errorCode() != null && http.details() != null && !http.details().isEmpty()) {
      return http.details();
    }
    int status = http.status();
    if (http.unauthorized()) {
      return "relay refused the API key (HTTP " + status + ")";
    }
    if (status == 404 && http.errorCode() == null) {
      return "relay endpoint not found (HTTP 404): check the endpoint URL and its path prefix";
    }
    if (status == 429) {
      return "relay is rate limiting requests (HTTP 429)";
    }
    if (status >= 500) {
      return "relay failed (HTTP " + status + ")" + suffix(http.details());
    }
    return http.getMessage();
  }

  private static String suffix(String details) {
    return details == null || details.isEmpty() ? "" : ": " + details;
  }
}
