package dev.flagrelay;

/** Where flags are evaluated; see {@link GoFeatureFlagProviderOptions.Builder#evaluationMode}. */
public enum EvaluationMode {
  /** Every evaluation asks the relay proxy (OFREP), with a local cache of cacheable answers. */
  REMOTE,
  /**
   * The flag configuration is fetched from the relay and every flag is evaluated in the
   * application's process, with no network call; the configuration is refreshed in the background.
   */
  IN_PROCESS
}
