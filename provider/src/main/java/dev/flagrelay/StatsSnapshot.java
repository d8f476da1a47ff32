package dev.flagrelay;

import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.cache.SingleFlight;
import dev.flagrelay.internal.events.DataCollector;
import dev.flagrelay.internal.stats.ChangeDetectionStatus;
import dev.flagrelay.internal.stats.EvaluationCounters;
import dev.flagrelay.internal.stats.LastError;
import dev.flagrelay.internal.stats.LatencyHistogram;
import dev.flagrelay.internal.stats.RelayCallStats;
import dev.flagrelay.internal.stats.RelayEndpoint;
import dev.flagrelay.internal.stats.RequestOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Reads the provider's counters into one {@link ProviderStats}. */
final class StatsSnapshot {
  private StatsSnapshot() {}

  /**
   * @param cache null when caching is off
   * @param singleFlight null when caching is off
   * @param collector null when data collection is off
   * @param lastError null when there was none
   */
  static ProviderStats of(
      Instant now,
      ProviderStats.Status status,
      long statusSinceMillis,
      EvaluationCounters counters,
      RelayCallStats relayCalls,
      EvaluationCache cache,
      SingleFlight singleFlight,
      FlagChangeDetection mode,
      ChangeDetectionStatus changes,
      DataCollector collector,
      LastError.Note lastError) {
    return new ProviderStats(
        now,
        status,
        Instant.ofEpochMilli(statusSinceMillis),
        evaluations(counters),
        relayRequests(relayCalls),
        cache(counters, cache, singleFlight),
        changeDetection(mode, changes),
        collector(collector),
        Optional.ofNullable(lastError)
            .map(note -> new ProviderStats.LastError(note.message(), Instant.ofEpochMilli(note.epochMillis()))));
  }

  private static ProviderStats.Evaluations evaluations(EvaluationCounters counters) {
    return new ProviderStats.Evaluations(
        counters.fromCache(),
        counters.count(EvaluationCounters.Source.RELAY),
        counters.count(EvaluationCounters.Source.IN_PROCESS),
        counters.count(EvaluationCounters.Source.STALE),
        Collections.unmodifiableMap(counters.errors()));
  }

  private static Map<ProviderStats.Endpoint, ProviderStats.RelayRequests> relayRequests(RelayCallStats stats) {
    Map<ProviderStats.Endpoint, ProviderStats.RelayRequests> byEndpoint = new EnumMap<>(ProviderStats.Endpoint.class);
    for (RelayEndpoint endpoint : RelayEndpoint.values()) {
      Map<ProviderStats.Outcome, Long> outcomes = new EnumMap<>(ProviderStats.Outcome.class);
      for (RequestOutcome outcome : RequestOutcome.values()) {
        outcomes.put(ProviderStats.Outcome.values()[outcome.ordinal()], stats.count(endpoint, outcome));
      }
      byEndpoint.put(
          ProviderStats.Endpoint.valueOf(endpoint.name()),
          new ProviderStats.RelayRequests(Collections.unmodifiableMap(outcomes), latency(stats.latency(endpoint))));
    }
    return Collections.unmodifiableMap(byEndpoint);
  }

  private static ProviderStats.Latency latency(LatencyHistogram.Summary summary) {
    return new ProviderStats.Latency(
        summary.count(),
        Duration.ofNanos(summary.meanNanos()),
        Duration.ofNanos(summary.maxNanos()),
        Duration.ofNanos(summary.p50Nanos()),
        Duration.ofNanos(summary.p99Nanos()));
  }

  private static ProviderStats.Cache cache(
      EvaluationCounters counters, EvaluationCache cache, SingleFlight singleFlight) {
    if (cache == null) {
      return new ProviderStats.Cache(false, 0, 0, 0, 0, 0, 0, Map.of(), 0);
    }
    return new ProviderStats.Cache(
        true,
        cache.estimatedSize(),
        counters.hits(),
        counters.misses(),
        cache.evictions(),
        cache.flagInvalidations(),
        cache.wholeInvalidations(),
        Collections.unmodifiableMap(cache.invalidationsByFlag()),
        singleFlight.joins());
  }

  private static ProviderStats.ChangeDetection changeDetection(FlagChangeDetection mode, ChangeDetectionStatus status) {
    long lastSync = status.lastSyncMillis();
    return new ProviderStats.ChangeDetection(
        mode,
        status.isStreamConnected(),
        status.streamConnects(),
        lastSync == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastSync)),
        status.consecutiveFailures());
  }

  private static ProviderStats.Collector collector(DataCollector collector) {
    if (collector == null) {
      return new ProviderStats.Collector(false, 0, 0, 0, 0, 0);
    }
    return new ProviderStats.Collector(
        true,
        collector.pendingEvents(),
        collector.sentEvents(),
        collector.droppedEvents(),
        collector.rejectedEvents(),
        collector.failedBatches());
  }
}
