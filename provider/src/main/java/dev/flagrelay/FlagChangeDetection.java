package dev.flagrelay;

/**
 * How the provider learns that flags changed on the relay, set with {@link
 * GoFeatureFlagProviderOptions.Builder#flagChangeDetection(FlagChangeDetection)}.
 */
public enum FlagChangeDetection {
  /**
   * The default: the relay's server-sent event stream ({@code /stream/v1/sse/flag/change}, relay
   * v1.53.0+) announces each change within milliseconds, and {@code GET /v1/flag/change} is still
   * polled every {@code flagChangePollingInterval} as the safety net (the stream has no
   * heartbeat: a silent broken connection must not freeze changes). On a relay without the
   * stream (HTTP 404) the provider says so once in the log and follows changes by polling.
   */
  STREAM,
  /** Only polling {@code GET /v1/flag/change} every {@code flagChangePollingInterval}. */
  POLLING,
  /**
   * No change detection: no change, stale or recovery events; cached answers live until their
   * TTL. (A failed start is still retried until the relay answers once.)
   */
  NONE
}
