package dev.flagrelay.engine;

/**
 * A flag configuration body that cannot be read at all (not JSON, not an object, {@code flags}
 * not an object). A single bad flag does not throw: see {@link
 * FlagConfiguration#unsupportedFlags()}.
 */
public final class FlagConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FlagConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }

  public FlagConfigurationException(String message) {
    super(message);
  }
}
