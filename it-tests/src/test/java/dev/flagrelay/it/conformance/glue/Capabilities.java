package dev.flagrelay.it.conformance.glue;

import dev.flagrelay.EvaluationMode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The capability tags this provider declares, and for every tag it does not declare the reason
 * its scenarios are skipped, and the scenarios that contradict a GO Feature Flag requirement. Such
 * scenarios are reported as skipped with their reason (never filtered out silently).
 */
final class Capabilities {
  /** Provider TCK (spec Appendix F) capability tags, all declared. */
  static final Set<String> TCK_DECLARED =
      Set.of(
          "@object",
          "@numeric-coercion",
          "@variants",
          "@large-integers", // Through SDK 1.22's 64-bit Client.getLongDetails; see FlagKind.LONG.
          "@disabled-flags",
          "@targeting",
          "@events",
          "@configuration-change",
          "@stale",
          "@lifecycle",
          "@unavailable",
          "@standard-reasons");

  /** Tags (of either suite) whose scenarios cannot apply here, each with its reason. */
  static final Map<String, String> NOT_DECLARED =
      Map.of(
          "@async",
          "OpenFeature Java SDK 1.22 has no asynchronous evaluation API (spec 1.4.12 is a SHOULD for"
              + " SDKs); wrapping the blocking call in a test-made future would prove nothing about"
              + " the SDK or the provider");

  /**
   * Scenarios (feature file name, then scenario name) whose expectation contradicts a GO Feature
   * Flag provider requirement, each with its reason. Skipped, never deleted.
   */
  static final Map<String, String> KNOWN_DEVIATIONS =
      Map.of(
          "metadata.feature: Returns no metadata",
          "GOFF-EVAL-010 requires relay-added metadata keys to be passed through verbatim, and the"
              + " relay adds gofeatureflag_cacheable: true to every cacheable answer (checked against"
              + " relay v1.55.2), so a faithful answer for these flags never has empty metadata");

  /**
   * Scenarios that cannot apply to a provider in {@link EvaluationMode#IN_PROCESS} mode, each with
   * its reason. Skipped in that mode only.
   */
  static final Map<String, String> IN_PROCESS_DEVIATIONS =
      Map.of(
          "evaluation_v2.feature: CACHED reason",
          "an in-process provider has no cache (GOFF-CACHE rows are remote-only): every evaluation"
              + " runs the engine on the current configuration and answers with the engine's reason,"
              + " as the relay does (STATIC for these flags), so CACHED never applies");

  private Capabilities() {}

  /** Why a scenario must be skipped, or empty when it applies. */
  static Optional<String> skipReason(
      String featureFile, String scenarioName, Iterable<String> scenarioTags, EvaluationMode mode) {
    String deviation = KNOWN_DEVIATIONS.get(featureFile + ": " + scenarioName);
    if (deviation != null) {
      return Optional.of("known deviation: " + deviation);
    }
    String inProcess = IN_PROCESS_DEVIATIONS.get(featureFile + ": " + scenarioName);
    if (inProcess != null && mode == EvaluationMode.IN_PROCESS) {
      return Optional.of("in-process deviation: " + inProcess);
    }
    for (String tag : scenarioTags) {
      String reason = NOT_DECLARED.get(tag);
      if (reason != null) {
        return Optional.of(tag + " is not declared: " + reason);
      }
    }
    return Optional.empty();
  }
}
