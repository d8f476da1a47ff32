package dev.flagrelay.internal.relay;

/** The relay answered with a body that is not what the endpoint returns (not JSON, truncated). */
public final class RelayDecodeException extends RelayException {
  public RelayDecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean unavailable() {
    return false;
  }
}
