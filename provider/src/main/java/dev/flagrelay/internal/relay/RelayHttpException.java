package dev.flagrelay.internal.relay;

/**
 * The relay (or a gateway in front of it) answered with a non-success status.
 *
 * <p>{@code errorCode} and {@code details} come from the body when it had them ({@code
 * {"errorCode","errorDetails"}} or {@code {"message"}}); either may be null.
 */
public final class RelayHttpException extends RelayException {
  private final int status;
  private final String errorCode;
  private final String details;

  public RelayHttpException(int status, String errorCode, String details) {
    super(describe(status, errorCode, details), null);
    this.status = status;
    this.errorCode = errorCode;
    this.details = details;
  }

  private static String describe(int status, String errorCode, String details) {
    StringBuilder message = new StringBuilder("relay answered HTTP ").append(status);
    if (errorCode != null) {
      message.append(' ').append(errorCode);
    }
    if (details != null && !details.isEmpty()) {
      message.append(": ").append(details);
    }
    return message.toString();
  }

  public int status() {
    return status;
  }

  public String errorCode() {
    return errorCode;
  }

  public String details() {
    return details;
  }

  /** Whether the status says the API key was refused. */
  public boolean unauthorized() {
    return status == 401 || status == 403;
  }

  @Override
  public boolean unavailable() {
    return status >= 500 || status == 429;
  }
}
