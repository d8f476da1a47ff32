package dev.flagrelay.internal.stats;

import java.util.concurrent.atomic.LongAdder;

/** Relay requests by endpoint and outcome, and a latency histogram per endpoint. Thread-safe, lock-free. */
public final class RelayCallStats {
  private static final RelayEndpoint[] ENDPOINTS = RelayEndpoint.values();
  private static final RequestOutcome[] OUTCOMES = RequestOutcome.values();

  private final LongAdder[][] counts = new LongAdder[ENDPOINTS.length][OUTCOMES.length];
  private final LatencyHistogram[] latencies = new LatencyHistogram[ENDPOINTS.length];

  public RelayCallStats() {
    for (RelayEndpoint endpoint : ENDPOINTS) {
      for (RequestOutcome outcome : OUTCOMES) {
        counts[endpoint.ordinal()][outcome.ordinal()] = new LongAdder();
      }
      latencies[endpoint.ordinal()] = new LatencyHistogram();
    }
  }

  public void record(RelayEndpoint endpoint, RequestOutcome outcome, long nanos) {
    counts[endpoint.ordinal()][outcome.ordinal()].increment();
    latencies[endpoint.ordinal()].record(nanos);
  }

  public long count(RelayEndpoint endpoint, RequestOutcome outcome) {
    return counts[endpoint.ordinal()][outcome.ordinal()].sum();
  }

  public LatencyHistogram.Summary latency(RelayEndpoint endpoint) {
    return latencies[endpoint.ordinal()].summary();
  }
}
