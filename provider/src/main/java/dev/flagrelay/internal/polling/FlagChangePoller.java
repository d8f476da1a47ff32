package dev.flagrelay.internal.polling;

import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows flag changes by polling {@code GET /v1/flag/change} on one background thread ({@code
 * goff-flag-poller}).
 *
 * <p>Design: all state below is owned by the poller thread, except during {@link #initialPoll()},
 * which runs before the thread starts. Each poll sends the last ETag verbatim; on a change it
 * diffs the per-flag hashes, invalidates exactly the changed flags in the cache, then tells the
 * listener. Every failure is caught and logged once per streak; the schedule always goes on,
 * except after a 401/403 (the key was refused) or a 404 (the relay has no such endpoint: TTL-only).
 * The listener is called on the poller thread with no lock held.
 */
public final class FlagChangePoller {
  private static final Logger logger = LoggerFactory.getLogger(FlagChangePoller.class);
  public static final String THREAD_NAME = "goff-flag-poller";
  /** Failed polls in a row after which the provider reports itself stale. */
  public static final int STALE_AFTER_FAILURES = 3;

  /** What the provider hears from the poller. Called on the poller thread. */
  public interface Listener {
    void flagsChanged(List<String> flagKeys);

    void stale(String message);

    void recovered();

    void unauthorized(String message);
  }

  /** How the first poll went, when it did not throw. */
  public enum Start {
    /** A baseline was read. */
    POLLING,
    /** The relay has no change endpoint: cached answers live until their TTL. */
    UNSUPPORTED
  }

  private final RelayClient relay;
  private final EvaluationCache cache;
  private final Duration interval;
  private final Listener listener;
  private final ScheduledThreadPoolExecutor executor;
  private final LongSupplier jitterSource;

  private String etag;
  private Map<String, Long> hashes;
  private int failures;
  private volatile boolean stopped;
  /** Set before the thread starts: poll only until the relay answers once (polling is off). */
  private volatile boolean untilFirstSuccess;

  /** @param cache null when caching is off */
  public FlagChangePoller(RelayClient relay, EvaluationCache cache, Duration interval, Listener listener) {
    this.relay = relay;
    this.cache = cache;
    this.interval = interval;
    this.listener = listener;
    this.executor = DaemonThreads.singleThreadScheduler(THREAD_NAME);
    long maxJitter = Math.max(1, interval.toMillis() / 10);
    this.jitterSource = () -> ThreadLocalRandom.current().nextLong(maxJitter);
  }

  /**
   * Reads the baseline on the calling thread, before polling starts.
   *
   * @throws RelayException when the relay cannot be reached or refuses the key
   */
  public Start initialPoll() throws RelayException {
    try {
      FlagChanges first = relay.flagChanges(null);
      etag = first.etag();
      hashes = first.flagHashes();
      return Start.POLLING;
    } catch (RelayHttpException e) {
      if (endpointMissing(e)) {
        warnUnsupported();
        return Start.UNSUPPORTED;
      }
      throw e;
    }
  }

  /** Starts polling, the first poll one interval from now. */
  public void start() {
    schedule();
  }

  /**
   * Polls only until the relay answers once, then stops: how a provider with change polling off
   * recovers from a failed initialization.
   */
  public void startUntilFirstSuccess() {
    untilFirstSuccess = true;
    schedule();
  }

  private void schedule() {
    if (stopped) {
      return;
    }
    long delay = interval.toMillis() + jitterSource.getAsLong();
    try {
      executor.schedule(this::pollGuarded, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      logger.debug("flag-change poller stopped");
    }
  }

  private void pollGuarded() {
    boolean again = true;
    try {
      again = poll();
    } catch (RuntimeException | Error e) {
      logger.error("flag-change poll failed unexpectedly; polling goes on", e);
    } finally {
      if (again) {
        schedule();
      }
    }
  }

  /** One poll; returns whether polling goes on. Runs on the poller thread only. */
  boolean poll() {
    if (stopped) {
      return false;
    }
    FlagChanges changes;
    try {
      changes = relay.flagChanges(etag);
    } catch (RelayException e) {
      return onFailure(e);
    }
    boolean wasFailing = failures > 0;
    failures = 0;
    if (wasFailing) {
      logger.info("flag-change poll succeeded again");
    }
    List<String> changed = apply(changes);
    if (stopped) {
      return false;
    }
    listener.recovered();
    if (!changed.isEmpty()) {
      listener.flagsChanged(changed);
    }
    return !untilFirstSuccess;
  }

  private List<String> apply(FlagChanges changes) {
    if (!changes.modified()) {
      return List.of();
    }
    Map<String, Long> previous = hashes;
    etag = changes.etag();
    hashes = changes.flagHashes();
    if (previous == null) {
      return List.of(); // First baseline after a failed start: nothing to compare with.
    }
    List<String> changed = diff(previous, changes.flagHashes());
    if (!changed.isEmpty() && cache != null) {
      cache.invalidateFlags(changed);
    }
    return changed;
  }

  /** Keys added, removed, or whose hash differs; sorted. */
  static List<String> diff(Map<String, Long> before, Map<String, Long> after) {
    Set<String> keys = new HashSet<>(before.keySet());
    keys.addAll(after.keySet());
    List<String> changed = new ArrayList<>();
    for (String key : keys) {
      if (!Objects.equals(before.get(key), after.get(key))) {
        changed.add(key);
      }
    }
    changed.sort(null);
    return changed;
  }

  private boolean onFailure(RelayException e) {
    if (e instanceof RelayHttpException http && http.unauthorized()) {
      logger.error("relay refused the API key while polling for flag changes (HTTP {}); polling stops", http.status());
      listener.unauthorized("relay refused the API key (HTTP " + http.status() + ")");
      return false;
    }
    if (e instanceof RelayHttpException http && endpointMissing(http)) {
      warnUnsupported();
      listener.recovered(); // The relay answers; it just cannot tell us about changes.
      return false;
    }
    failures++;
    if (failures == 1) {
      logger.warn("flag-change poll failed, will retry every {} ms: {}", interval.toMillis(), e.getMessage());
    }
    if (failures == STALE_AFTER_FAILURES) {
      listener.stale(failures + " flag-change polls failed in a row: " + e.getMessage());
    }
    return true;
  }

  private static boolean endpointMissing(RelayHttpException e) {
    return e.status() == 404 && e.errorCode() == null;
  }

  private void warnUnsupported() {
    logger.warn("relay has no /v1/flag/change endpoint (relay older than v1.30.0?): "
        + "no change events, cached answers live until their TTL");
  }

  /** Stops polling and waits up to {@code budget} for a poll in progress. Idempotent. */
  public void stop(Duration budget) {
    stopped = true;
    executor.shutdownNow();
    try {
      executor.awaitTermination(budget.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
