package dev.flagrelay.internal.relay;

/**
 * Why a relay call produced no usable answer. Subclasses say which way it failed; none records a
 * stack trace, because these are expected, frequent outcomes.
 */
public abstract class RelayException extends Exception {
  protected RelayException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** Whether the relay could not be reached or could not serve (I/O, timeout, 5xx, 429). */
  public abstract boolean unavailable();
}
