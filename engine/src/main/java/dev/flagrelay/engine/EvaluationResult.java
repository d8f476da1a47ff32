package dev.flagrelay.engine;

import java.util.Map;

/**
 * The immutable answer of one evaluation.
 *
 * @param value the variation's value as a plain Java value (integral JSON numbers are {@code
 *     Long}, other numbers {@code Double}, objects unmodifiable {@code Map}s, arrays unmodifiable
 *     {@code List}s), or the caller's default when disabled or failed
 * @param variant the variation's name; {@code "SdkDefault"} when the caller's default was
 *     returned by the flag, {@code null} when the flag was not found or not evaluable locally
 * @param reason why this value
 * @param errorCode why the evaluation failed, {@code null} when it did not
 * @param errorMessage details of the failure, {@code null} when it did not fail
 * @param cacheable whether the same context gives the same answer until the configuration changes
 *     (no scheduled rollout, no experimentation window, no progressive rollout selected)
 * @param trackEvents whether evaluations of this flag are reported to the data collector
 * @param version the flag's {@code version}, {@code null} when it has none
 * @param metadata the flag's metadata, plus {@code evaluatedRuleName} when a named rule matched
 */
public record EvaluationResult(
    Object value,
    String variant,
    Reason reason,
    ErrorCode errorCode,
    String errorMessage,
    boolean cacheable,
    boolean trackEvents,
    String version,
    Map<String, Object> metadata) {

  /** The variant of answers that are the caller's default value. */
  public static final String SDK_DEFAULT_VARIANT = "SdkDefault";

  /** Whether the evaluation failed (then {@link #value()} is the caller's default). */
  public boolean failed() {
    return errorCode != null;
  }
}
