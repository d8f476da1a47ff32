package dev.flagrelay;

import dev.openfeature.sdk.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What one {@link GoFeatureFlagProvider} has done since it was created, read at one moment by
 * {@link GoFeatureFlagProvider#stats()}: an immutable value, cheap enough to take every second.
 *
 * <p>Counters only grow (they start at zero when the provider is created and survive {@code
 * shutdown}); sizes and flags are as of {@link #takenAt}. The counters are read one after
 * another while evaluations go on, so two counters of one snapshot may differ by the evaluations
 * made during the reading. Nothing here holds the API key or a header value.
 *
 * @param takenAt when this snapshot was taken
 * @param status the provider's lifecycle status
 * @param statusSince when the provider entered {@code status}
 * @param evaluations evaluations by outcome
 * @param relayRequests requests to the relay by endpoint, every endpoint present (zeros included)
 * @param cache the evaluation cache; zeros when caching is off (see {@link Cache#enabled})
 * @param changeDetection how flag changes are followed and whether that is alive
 * @param collector the data collector; zeros when data collection is off
 * @param lastError the most recent failure the provider met, if any
 */
public record ProviderStats(
    Instant takenAt,
    Status status,
    Instant statusSince,
    Evaluations evaluations,
    Map<Endpoint, RelayRequests> relayRequests,
    Cache cache,
    ChangeDetection changeDetection,
    Collector collector,
    Optional<LastError> lastError) {

  /** The provider's lifecycle, finer than the SDK's {@code ProviderState}. */
  public enum Status {
    /** Created, {@code initialize} not called yet. */
    NOT_INITIALIZED,
    /** {@code initialize} is running. */
    INITIALIZING,
    /** Serving evaluations; change detection healthy (or off). */
    READY,
    /** Serving, but the last 3 change polls or configuration fetches failed in a row. */
    STALE,
    /** Start-up failed (relay unreachable, or not a relay); retrying in the background. */
    ERROR,
    /** The relay refused the API key on a poll after start-up; evaluations still go to the relay. */
    KEY_REFUSED,
    /** The relay refused the API key at start-up: nothing will be evaluated. */
    FATAL,
    /** {@code shutdown} was called. */
    SHUT_DOWN
  }

  /** The relay routes the provider calls. */
  public enum Endpoint {
    /** {@code POST /ofrep/v1/evaluate/flags/{key}}: remote evaluations and in-process fallbacks. */
    EVALUATION,
    /** {@code GET /v1/flag/change}: change polls (and the start-up baseline). */
    CHANGE_POLL,
    /** {@code POST /v1/flag/configuration}: in-process configuration fetches. */
    CONFIGURATION,
    /** {@code POST /v1/data/collector}: collector batches. */
    COLLECTOR,
    /** {@code GET /stream/v1/sse/flag/change}: stream connections, up to the answer's status. */
    STREAM_CONNECT
  }

  /**
   * How one request ended. A call the provider did not send because the relay asked for a pause
   * (429 with {@code Retry-After}) is not a request and is not counted.
   */
  public enum Outcome {
    /** A 2xx answer (also one whose body then could not be read). */
    SUCCESS_2XX,
    /** 304: nothing changed since the ETag sent. */
    NOT_MODIFIED_304,
    /** A 4xx answer: a refused key, a flag not found, a 429. */
    CLIENT_ERROR_4XX,
    /** A 5xx answer (or another status the provider does not accept, such as a redirect). */
    SERVER_ERROR_5XX,
    /** No answer within {@code timeout}. */
    TIMEOUT,
    /** No connection, a broken connection, or a failure inside the HTTP client. */
    UNREACHABLE
  }

  /**
   * Evaluations by outcome. Each evaluation is counted once: by its error code when it failed,
   * else by where its answer came from.
   *
   * @param cache answered from the cache (reason {@code CACHED}), without error
   * @param relay answered by a relay call (in-process mode: a flag the engine could not evaluate)
   * @param inProcess answered by the in-process engine, without error
   * @param stale answered from an expired cache entry while the relay could not be reached
   *     (reason {@code STALE})
   * @param errors failed evaluations (the caller's default returned) by error code; codes never
   *     seen are absent
   */
  public record Evaluations(long cache, long relay, long inProcess, long stale, Map<ErrorCode, Long> errors) {
    /** Failed evaluations, all codes. */
    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Every evaluation counted. */
    public long total() {
      return cache + relay + inProcess + stale + errorCount();
    }
  }

  /**
   * Requests to one endpoint.
   *
   * @param outcomes requests by outcome, every outcome present (zeros included)
   * @param latency how long they took, whatever their outcome
   */
  public record RelayRequests(Map<Outcome, Long> outcomes, Latency latency) {
    /** Requests with this outcome. */
    public long count(Outcome outcome) {
      return outcomes.getOrDefault(outcome, 0L);
    }

    /** Every request, all outcomes. */
    public long total() {
      return outcomes.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * A latency summary. {@code p50} and {@code p99} come from a histogram with buckets 1/8 of a
   * power of two wide (from about 1 µs; read within about 6%) and never exceed {@code max};
   * {@code count}, {@code mean} and {@code max} are exact. All zero before the first request.
   *
   * @param count requests timed
   * @param mean mean time
   * @param max longest time
   * @param p50 median
   * @param p99 99th percentile
   */
  public record Latency(long count, Duration mean, Duration max, Duration p50, Duration p99) {}

  /**
   * The evaluation cache, as remote evaluations use it.
   *
   * @param enabled false when caching is off (or in-process mode): every number below is zero
   * @param size entries held now (an estimate, as Caffeine gives it)
   * @param hits evaluations whose lookup found a fresh answer
   * @param misses evaluations whose lookup found none (they went to the relay, or joined a call)
   * @param evictions entries removed to keep {@code cacheMaximumSize}
   * @param flagInvalidations flags invalidated one by one because they changed (a flag counts
   *     each time)
   * @param wholeInvalidations times every entry was dropped (a relay before v1.37.0 changed, or
   *     shutdown)
   * @param invalidationsByFlag flag invalidations by flag key, for the first 1,000 keys invalidated
   * @param singleFlightJoins misses that waited for another caller's identical relay call instead
   *     of making their own
   */
  public record Cache(
      boolean enabled,
      long size,
      long hits,
      long misses,
      long evictions,
      long flagInvalidations,
      long wholeInvalidations,
      Map<String, Long> invalidationsByFlag,
      long singleFlightJoins) {}

  /**
   * Change detection.
   *
   * @param mode the configured {@link FlagChangeDetection}
   * @param streamConnected whether the flag-change stream is connected now (always false unless
   *     {@code STREAM})
   * @param streamConnects successful stream connections so far (a reconnect makes it 2)
   * @param lastSuccessfulSync when a change poll (remote) or a configuration fetch (in-process)
   *     was last answered, a 304 included; empty before the first
   * @param consecutiveFailures polls or fetches failed in a row since the last answered one
   */
  public record ChangeDetection(
      FlagChangeDetection mode,
      boolean streamConnected,
      long streamConnects,
      Optional<Instant> lastSuccessfulSync,
      int consecutiveFailures) {}

  /**
   * The data collector.
   *
   * @param enabled false when data collection is off: every number below is zero
   * @param pending events waiting to be sent
   * @param sent events the collector accepted
   * @param dropped events lost: buffer overflow (oldest first), unsent at shutdown, recorded
   *     after it
   * @param rejected events in batches the collector refused (a 4xx other than 429)
   * @param failedBatches batches that failed for a transient reason and were kept for the next
   *     flush
   */
  public record Collector(boolean enabled, long pending, long sent, long dropped, long rejected, long failedBatches) {}

  /**
   * A failure: a relay request that failed (other than an evaluation answered with a flag's error
   * code, such as {@code FLAG_NOT_FOUND}, or a stream connection answered 404 by a relay before
   * v1.53.0), or an unexpected failure inside the provider.
   *
   * @param message what happened, with the API key and every header value masked as {@code ***}
   * @param at when
   */
  public record LastError(String message, Instant at) {}
}
