package dev.flagrelay.internal.relay;

/**
 * Nothing at the endpoint answers as a relay proxy does: {@code /v1/flag/change} and an OFREP
 * evaluation both answered 404 without an error code (a wrong URL or path prefix, or a gateway
 * with nothing behind it yet).
 */
public final class NotARelayException extends RelayException {
  public NotARelayException(String message) {
    super(message, null);
  }

  @Override
  public boolean unavailable() {
    return false;
  }
}
