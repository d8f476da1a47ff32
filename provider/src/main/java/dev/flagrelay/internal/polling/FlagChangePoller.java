package dev.flagrelay.internal.polling;

import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.NotARelayException;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.stats.ChangeDetectionStatus;
import dev.flagrelay.internal.stream.ChangeSignals;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows flag changes by polling {@code GET /v1/flag/change} on one background thread ({@code
 * goff-flag-poller}).
 *
 * <p>Design: all state below is owned by the poller thread, except during {@link #initialPoll()},
 * which runs before the thread starts. Each poll sends the last ETag verbatim; on a change it
 * diffs the per-flag hashes (or, from a relay before v1.37.0, compares the one top-level hash),
 * invalidates exactly the changed flags (or everything) in the cache, then tells the listener.
 * Every failure, a 404 or a refused key included, is caught, logged once per streak and retried:
 * the schedule always goes on, at the interval, or backing off while the key is refused. Whether
 * the relay has a change endpoint at all is decided once, at start-up ({@link #initialPoll()}).
 * The listener is called on the poller thread with no lock held.
 *
 * <p>It is also where the flag-change stream's news lands ({@link ChangeSignals}, called on the
 * stream's thread): named flags are invalidated at once, then announced on the poller thread,
 * followed by one poll that moves the baseline past the change, so the safety-net poll does not
 * announce it a second time (flags the stream announced since the last poll are invalidated
 * again by a poll that sees them, never announced again). A resync is one extra poll, coalesced:
 * at most one waits while another runs, and none runs in parallel with another (one thread).
 */
public final class FlagChangePoller implements ChangeSignals {
  private static final Logger logger = LoggerFactory.getLogger(FlagChangePoller.class);
  public static final String THREAD_NAME = "goff-flag-poller";
  /** Failed polls in a row after which the provider reports itself stale. */
  public static final int STALE_AFTER_FAILURES = 3;
  /**
   * The flag evaluated once at start-up when the relay has no change endpoint, to tell an older
   * relay (it answers, usually {@code FLAG_NOT_FOUND}) from an endpoint where nothing answers.
   */
  public static final String PROBE_FLAG_KEY = "flagrelay-relay-probe";
  /** Longest pause between polls while the relay refuses the key (unless the interval is longer). */
  static final Duration MAX_REFUSED_BACKOFF = Duration.ofMinutes(10);

  /** What the provider hears from the poller. Called on the poller thread. */
  public interface Listener {
    /** These flags changed; their cached answers are already gone. */
    void flagsChanged(List<String> flagKeys);

    /** The configuration changed, which flags is unknown (relay before v1.37.0); the cache is empty. */
    void allFlagsChanged();

    void stale(String message);

    /** The relay answered a poll (or, after a failed start, started to answer). */
    void recovered();

    /** The relay refused the key (401/403) on a poll; polling goes on, backing off. */
    void refused(String message);
  }

  /** How the first poll went, when it did not throw. */
  public enum Start {
    /** A baseline was read. */
    POLLING,
    /** The relay answers but has no change endpoint: cached answers live until their TTL. */
    UNSUPPORTED
  }

  /** What one modified answer changed. */
  private record Change(boolean everything, List<String> flagKeys) {
    static final Change NONE = new Change(false, List.of());
    static final Change ALL = new Change(true, List.of());

    static Change of(List<String> flagKeys) {
      return flagKeys.isEmpty() ? NONE : new Change(false, flagKeys);
    }
  }

  private final RelayClient relay;
  private final EvaluationCache cache;
  private final Duration interval;
  private final Listener listener;
  private final ScheduledThreadPoolExecutor executor;
  private final LongSupplier jitterSource;
  private final ChangeDetectionStatus status;

  /** Whether start-up is done (a baseline was read); until then each poll retries it. */
  private boolean started;
  private String etag;
  /** The last modified answer: the hashes changes are compared with. */
  private FlagChanges baseline;
  private int failures;
  private int refusals;
  /** Flags the stream announced since the last answered poll; the poller thread's only. */
  private final Set<String> announced = new HashSet<>();
  /** Whether a resync poll is queued and has not started yet. */
  private final AtomicBoolean resyncPending = new AtomicBoolean();
  private volatile boolean stopped;
  /** Set before the thread starts: poll only until the relay answers once (polling is off). */
  private volatile boolean untilFirstSuccess;

  /** @param cache null when caching is off */
  public FlagChangePoller(RelayClient relay, EvaluationCache cache, Duration interval, Listener listener) {
    this(relay, cache, interval, listener, new ChangeDetectionStatus(System::currentTimeMillis));
  }

  /**
   * @param cache null when caching is off
   * @param status told of every poll's outcome
   */
  public FlagChangePoller(
      RelayClient relay, EvaluationCache cache, Duration interval, Listener listener, ChangeDetectionStatus status) {
    this.status = Objects.requireNonNull(status, "status");
    this.relay = relay;
    this.cache = cache;
    this.interval = interval;
    this.listener = listener;
    this.executor = DaemonThreads.singleThreadScheduler(THREAD_NAME);
    long maxJitter = Math.max(1, interval.toMillis() / 10);
    this.jitterSource = () -> ThreadLocalRandom.current().nextLong(maxJitter);
  }

  /**
   * Reads the baseline. When the relay has no change endpoint (a 404 without an error code), asks
   * for one OFREP evaluation to tell an older relay from an endpoint where nothing answers.
   * Runs on the calling thread before polling starts, and on the poller thread after a failed
   * start.
   *
   * @throws RelayException when the relay cannot be reached, refuses the key, or nothing at the
   *     endpoint answers as a relay does ({@link NotARelayException})
   */
  public Start initialPoll() throws RelayException {
    FlagChanges first;
    try {
      first = relay.flagChanges(null);
    } catch (RelayHttpException e) {
      if (!notFound(e)) {
        throw e;
      }
      probeOfrep();
      warnUnsupported();
      return Start.UNSUPPORTED;
    }
    etag = first.etag();
    baseline = first;
    started = true;
    status.syncSucceeded();
    return Start.POLLING;
  }

  /**
   * Returns when an OFREP evaluation answers as a relay does: a value, or an error code (usually
   * {@code FLAG_NOT_FOUND}). A bare 404 there too means nothing at the endpoint is a relay.
   */
  private void probeOfrep() throws RelayException {
    try {
      relay.evaluate(PROBE_FLAG_KEY, ContextSnapshot.ofAttributes(Map.of()));
    } catch (RelayHttpException e) {
      if (notFound(e)) {
        throw new NotARelayException(
            "the endpoint does not look like a GO Feature Flag relay proxy: both /v1/flag/change and "
                + "/ofrep/v1/evaluate/flags/{key} answered HTTP 404 without an error code "
                + "(check the endpoint URL and its path prefix; OFREP needs relay v1.24.0+)");
      }
      if (e.errorCode() == null) {
        throw e; // A refused key, an outage: start-up fails as it would on the change endpoint.
      }
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
    long delay = delayAfterRefusals(interval, refusals).toMillis() + jitterSource.getAsLong();
    try {
      executor.schedule(this::pollGuarded, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      logger.debug("flag-change poller stopped");
    }
  }

  /** The interval, doubled for each refused poll in a row, up to {@link #MAX_REFUSED_BACKOFF}. */
  static Duration delayAfterRefusals(Duration interval, int refusals) {
    if (refusals == 0 || interval.compareTo(MAX_REFUSED_BACKOFF) >= 0) {
      return interval;
    }
    Duration delay = interval.multipliedBy(1L << Math.min(refusals, 20));
    return delay.compareTo(MAX_REFUSED_BACKOFF) > 0 ? MAX_REFUSED_BACKOFF : delay;
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
    return started ? pollChanges() : retryStart();
  }

  /** After a failed start: start-up again, and tell the listener once the relay answers. */
  private boolean retryStart() {
    Start start;
    try {
      start = initialPoll();
    } catch (RelayException e) {
      return onFailure(e);
    }
    onAnswered();
    announced.clear(); // A new baseline: nothing it holds is news any more.
    if (stopped) {
      return false;
    }
    listener.recovered();
    return start == Start.POLLING && !untilFirstSuccess;
  }

  private boolean pollChanges() {
    FlagChanges changes;
    try {
      changes = relay.flagChanges(etag);
    } catch (RelayException e) {
      return onFailure(e);
    }
    onAnswered();
    Change change = apply(changes);
    announced.clear();
    if (stopped) {
      return false;
    }
    listener.recovered();
    if (change.everything()) {
      listener.allFlagsChanged();
    } else if (!change.flagKeys().isEmpty()) {
      listener.flagsChanged(change.flagKeys());
    }
    return !untilFirstSuccess;
  }

  private void onAnswered() {
    status.syncSucceeded();
    if (failures > 0 || refusals > 0) {
      logger.info("flag-change poll succeeded again");
    }
    failures = 0;
    refusals = 0;
  }

  private Change apply(FlagChanges changes) {
    if (!changes.modified()) {
      return Change.NONE;
    }
    FlagChanges previous = baseline;
    etag = changes.etag();
    baseline = changes;
    if (previous == null) {
      return Change.NONE;
    }
    if (previous.perFlag() && changes.perFlag()) {
      return Change.of(notYetAnnounced(invalidate(diff(previous.flagHashes(), changes.flagHashes()))));
    }
    if (previous.hash() == changes.hash()) {
      return Change.NONE;
    }
    if (cache != null) {
      cache.invalidateAll();
    }
    return Change.ALL;
  }

  private List<String> invalidate(List<String> changed) {
    if (!changed.isEmpty() && cache != null) {
      cache.invalidateFlags(changed);
    }
    return changed;
  }

  private List<String> notYetAnnounced(List<String> changed) {
    if (announced.isEmpty()) {
      return changed;
    }
    List<String> news = new ArrayList<>(changed);
    news.removeAll(announced);
    return news;
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

  /** Counts a failed poll; polling always goes on. */
  private boolean onFailure(RelayException e) {
    status.syncFailed();
    if (e instanceof RelayHttpException http && http.unauthorized()) {
      onRefused(http);
      return true;
    }
    refusals = 0;
    failures++;
    if (failures == 1) {
      logger.warn("flag-change poll failed, will retry every {} ms: {}", interval.toMillis(), e.getMessage());
    }
    if (failures == STALE_AFTER_FAILURES) {
      listener.stale(failures + " flag-change polls failed in a row: " + e.getMessage());
    }
    return true;
  }

  private void onRefused(RelayHttpException http) {
    failures = 0;
    refusals++;
    if (refusals == 1) {
      logger.error(
          "relay refused the API key while polling for flag changes (HTTP {}); polling goes on, backing off",
          http.status());
      listener.refused("relay refused the API key (HTTP " + http.status() + ")");
    }
  }

  private static boolean notFound(RelayHttpException e) {
    return e.status() == 404 && e.errorCode() == null;
  }

  private void warnUnsupported() {
    logger.warn("relay has no /v1/flag/change endpoint (relay older than v1.30.0?): "
        + "no change events, cached answers live until their TTL");
  }

  /**
   * The stream named these flags: their cached answers go at once (on the calling thread), then
   * the poller thread announces them and polls once to move its baseline past the change.
   */
  @Override
  public void flagsChanged(List<String> flagKeys) {
    if (stopped) {
      return;
    }
    if (cache != null) {
      cache.invalidateFlags(flagKeys);
    }
    List<String> keys = List.copyOf(flagKeys);
    submit(() -> announceStreamed(keys));
  }

  private void announceStreamed(List<String> flagKeys) {
    if (stopped) {
      return;
    }
    announced.addAll(flagKeys);
    listener.flagsChanged(flagKeys);
    resync();
  }

  /** One poll as soon as the poller thread is free; a resync already waiting covers this one. */
  @Override
  public void resync() {
    if (!stopped && resyncPending.compareAndSet(false, true)) {
      submit(this::resyncPoll);
    }
  }

  private void resyncPoll() {
    resyncPending.set(false);
    poll(); // Outside the periodic schedule, which goes on by itself.
  }

  private void submit(Runnable task) {
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException | Error e) {
              logger.error("flag-change task failed unexpectedly", e);
            }
          });
    } catch (RejectedExecutionException e) {
      logger.debug("flag-change poller stopped");
    }
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
