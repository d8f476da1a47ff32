package dev.flagrelay.engine;

/** Why an evaluation failed; the names are OpenFeature's error codes. */
public enum ErrorCode {
  /** The configuration has no flag with that key. */
  FLAG_NOT_FOUND,
  /**
   * The flag is in the configuration but could not be compiled (unknown field, wrong type, ...):
   * it is not evaluable locally and should be evaluated remotely. See {@link
   * FlagConfiguration#unsupportedFlags()}.
   */
  PARSE_ERROR,
  /** The targeting key, or the bucketing key the flag names, is missing, empty or not a string. */
  TARGETING_KEY_MISSING,
  /** The flag cannot give a variation: no default rule, a rule without a result, all-zero split. */
  FLAG_CONFIG,
  /** An unexpected failure inside the engine. */
  GENERAL
}
