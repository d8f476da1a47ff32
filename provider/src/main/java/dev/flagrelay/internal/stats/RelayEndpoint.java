package dev.flagrelay.internal.stats;

/** The relay routes the provider calls, as counted in {@link RelayCallStats}. */
public enum RelayEndpoint {
  /** {@code POST /ofrep/v1/evaluate/flags/{key}}. */
  EVALUATION,
  /** {@code GET /v1/flag/change}. */
  CHANGE_POLL,
  /** {@code POST /v1/flag/configuration}. */
  CONFIGURATION,
  /** {@code POST /v1/data/collector}. */
  COLLECTOR,
  /** {@code GET /stream/v1/sse/flag/change}, up to its answer's status. */
  STREAM_CONNECT
}
