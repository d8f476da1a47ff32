package dev.flagrelay.internal.relay;

/** The relay could not be reached, or did not answer in time. */
public final class RelayUnreachableException extends RelayException {
  private final boolean timedOut;

  public RelayUnreachableException(String message, Throwable cause, boolean timedOut) {
    super(message, cause);
    this.timedOut = timedOut;
  }

  public boolean timedOut() {
    return timedOut;
  }

  @Override
  public boolean unavailable() {
    return true;
  }
}
