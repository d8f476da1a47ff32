package dev.flagrelay.internal.relay;

/**
 * The HTTP client failed in a way it does not declare (a {@link RuntimeException} from the
 * library, such as a header it cannot parse). Treated like an unreachable relay: the call may
 * succeed next time, so a cached answer may be served stale and a collector batch is kept.
 */
public final class RelayTransportException extends RelayException {
  public RelayTransportException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean unavailable() {
    return true;
  }
}
