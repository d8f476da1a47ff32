package dev.flagrelay.engine.internal.config;

/** A flag the engine does not evaluate locally; the message says why, naming the field. */
final class InvalidFlagException extends Exception {
  private static final long serialVersionUID = 1L;

  InvalidFlagException(String message) {
    super(message, null, false, false);
  }
}
