package dev.flagrelay.internal.configuration;

import dev.flagrelay.engine.FlagConfiguration;
import dev.flagrelay.engine.FlagConfigurationException;
import dev.flagrelay.internal.polling.DaemonThreads;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayDecodeException;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.stats.ChangeDetectionStatus;
import dev.flagrelay.internal.stream.ChangeSignals;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the in-process flag configuration in step with the relay: fetches {@code POST
 * /v1/flag/configuration} once on the calling thread, then again every interval (plus up to 10%
 * jitter) on one background thread ({@code goff-config-refresher}), echoing the last ETag.
 *
 * <p>Design: the current configuration is one immutable {@link ConfigurationSnapshot} behind a
 * {@code volatile} reference, null until the first configuration arrives. Only the refresher (or
 * {@link #initialFetch()}, before the thread starts) replaces it, always as a whole, after the
 * new body has been parsed and compiled; evaluations read it once, without a lock. A 304 changes
 * nothing. A failed fetch or an unusable body keeps the previous snapshot; three failures in a
 * row make the provider stale, the next success ready again. Every failure is caught and logged;
 * the schedule always goes on. The listener is called on the refresher thread, after the swap,
 * with no lock held.
 *
 * <p>The flag-change stream signals it too ({@link ChangeSignals}, on the stream's thread): an
 * event, a (re)connect or an unreadable event each ask for one refresh at once. Requests
 * coalesce: at most one waits while another runs, and refreshes never run in parallel (one
 * thread), so a burst of events costs at most two fetches, whose diff names every changed flag.
 */
public final class ConfigurationRefresher implements ChangeSignals {
  private static final Logger logger = LoggerFactory.getLogger(ConfigurationRefresher.class);
  public static final String THREAD_NAME = "goff-config-refresher";
  /** Failed refreshes in a row after which the provider reports itself stale. */
  public static final int STALE_AFTER_FAILURES = 3;

  /** What the provider hears from the refresher. Called on the refresher thread. */
  public interface Listener {
    /** A new configuration replaced the previous one; {@code flagKeys} is never empty, sorted. */
    void flagsChanged(List<String> flagKeys);

    void stale(String message);

    /** A refresh succeeded (a new configuration, the same one, or a 304). */
    void recovered();
  }

  private final RelayClient relay;
  private final List<String> flags;
  private final Duration interval;
  private final Listener listener;
  private final ScheduledThreadPoolExecutor executor;
  private final LongSupplier jitterSource;
  private final ChangeDetectionStatus status;

  /** Written by the refresher thread (or {@link #initialFetch()} before it runs), read by evaluations. */
  private volatile ConfigurationSnapshot current;
  /** Confined to the refresher thread. */
  private int failures;
  /** Whether an immediate refresh is queued and has not started yet. */
  private final AtomicBoolean refreshPending = new AtomicBoolean();
  private volatile boolean stopped;
  /** Set before the thread starts: refresh only until one succeeds (polling is off). */
  private volatile boolean untilFirstSuccess;

  /** @param flags the flags to fetch (copied); empty for all */
  public ConfigurationRefresher(RelayClient relay, List<String> flags, Duration interval, Listener listener) {
    this(relay, flags, interval, listener, new ChangeDetectionStatus(System::currentTimeMillis));
  }

  /** @param status told of every fetch's outcome */
  public ConfigurationRefresher(
      RelayClient relay, List<String> flags, Duration interval, Listener listener, ChangeDetectionStatus status) {
    this.status = Objects.requireNonNull(status, "status");
    this.relay = Objects.requireNonNull(relay, "relay");
    this.flags = List.copyOf(flags);
    this.interval = interval;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.executor = DaemonThreads.singleThreadScheduler(THREAD_NAME);
    long maxJitter = Math.max(1, interval.toMillis() / 10);
    this.jitterSource = () -> ThreadLocalRandom.current().nextLong(maxJitter);
  }

  /** The configuration evaluations use; null until one has been fetched. */
  public ConfigurationSnapshot current() {
    return current;
  }

  /**
   * Fetches the first configuration on the calling thread, before refreshing starts.
   *
   * @throws RelayException when the relay cannot be reached, answers an error, or sends a body
   *     that is not a configuration
   */
  public void initialFetch() throws RelayException {
    ConfigurationAnswer answer = relay.flagConfiguration(null, flags);
    if (answer instanceof ConfigurationAnswer.Fetched fetched) {
      current = compile(fetched);
      status.syncSucceeded();
    } else {
      throw new RelayDecodeException("relay answered 304 to a configuration request without an ETag", null);
    }
  }

  /** Starts refreshing, the first refresh one interval from now. */
  public void start() {
    schedule();
  }

  /** Refreshes only until one refresh succeeds: how a provider with polling off heals its start. */
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
      executor.schedule(this::refreshGuarded, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      logger.debug("configuration refresher stopped");
    }
  }

  private void refreshGuarded() {
    boolean again = true;
    try {
      again = refresh();
    } catch (RuntimeException | Error e) {
      logger.error("flag configuration refresh failed unexpectedly; refreshing goes on", e);
    } finally {
      if (again) {
        schedule();
      }
    }
  }

  /**
   * One refresh; returns whether refreshing goes on. Runs on the refresher thread only (public for
   * the concurrency suite, which drives swaps from one thread of its own).
   */
  public boolean refresh() {
    if (stopped) {
      return false;
    }
    ConfigurationSnapshot previous = current;
    ConfigurationSnapshot next;
    try {
      ConfigurationAnswer answer = relay.flagConfiguration(previous == null ? null : previous.etag(), flags);
      next = answer instanceof ConfigurationAnswer.Fetched fetched ? compile(fetched) : previous;
    } catch (RelayException e) {
      onFailure(e);
      return true;
    }
    status.syncSucceeded();
    if (failures > 0) {
      logger.info("flag configuration refresh succeeded again");
      failures = 0;
    }
    List<String> changed = swap(previous, next);
    if (stopped) {
      return false;
    }
    listener.recovered();
    if (!changed.isEmpty()) {
      listener.flagsChanged(changed);
    }
    return !untilFirstSuccess;
  }

  /** Publishes {@code next}; returns the flags whose definition changed (none for a first load). */
  private List<String> swap(ConfigurationSnapshot previous, ConfigurationSnapshot next) {
    if (next == previous || next == null) {
      return List.of(); // A 304: nothing changes, not even the ETag.
    }
    current = next;
    return previous == null ? List.of() : next.configuration().changedFlags(previous.configuration());
  }

  private ConfigurationSnapshot compile(ConfigurationAnswer.Fetched fetched) throws RelayDecodeException {
    FlagConfiguration configuration;
    try {
      configuration = FlagConfiguration.parse(fetched.body());
    } catch (FlagConfigurationException e) {
      throw new RelayDecodeException("flag configuration is unusable: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new RelayDecodeException("flag configuration could not be read: " + e, e);
    }
    if (configuration.evaluableFlags().isEmpty() && configuration.unsupportedFlags().isEmpty()) {
      logger.warn("relay served a flag configuration without flags: every flag answers FLAG_NOT_FOUND");
    }
    return new ConfigurationSnapshot(configuration, fetched.etag());
  }

  private void onFailure(RelayException e) {
    failures++;
    status.syncFailed();
    if (failures == 1) {
      logger.warn(
          "flag configuration refresh failed, the last configuration is kept; retrying every {} ms: {}",
          interval.toMillis(),
          e.getMessage());
    }
    if (failures == STALE_AFTER_FAILURES) {
      listener.stale(failures + " flag configuration refreshes failed in a row: " + e.getMessage());
    }
  }

  /** The stream named changed flags: refresh now (the diff of the new configuration names them). */
  @Override
  public void flagsChanged(List<String> flagKeys) {
    refreshNow();
  }

  /** The stream (re)connected or could not read an event: refresh now. */
  @Override
  public void resync() {
    refreshNow();
  }

  /** One refresh as soon as the refresher thread is free; one already waiting covers this one. */
  private void refreshNow() {
    if (stopped || !refreshPending.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::immediateRefresh);
    } catch (RejectedExecutionException e) {
      logger.debug("configuration refresher stopped");
    }
  }

  private void immediateRefresh() {
    refreshPending.set(false);
    try {
      refresh(); // Outside the periodic schedule, which goes on by itself.
    } catch (RuntimeException | Error e) {
      logger.error("flag configuration refresh failed unexpectedly", e);
    }
  }

  /** Stops refreshing and waits up to {@code budget} for a refresh in progress. Idempotent. */
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
