package dev.flagrelay.internal.stream;

import dev.flagrelay.internal.relay.FlagChangeEvent;
import dev.flagrelay.internal.relay.FlagChangeStream;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.stats.ChangeDetectionStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one connection to the relay's flag-change stream open on one daemon thread ({@code
 * goff-flag-stream}) and passes what it hears to {@link ChangeSignals}.
 *
 * <p>Design: the thread loops connect, resync, read until the stream ends, wait, reconnect. Every
 * (re)connect is followed by {@link ChangeSignals#resync()}, since the relay replays nothing.
 * Waits grow exponentially with jitter from {@link #FIRST_DELAY} to {@link #MAX_DELAY}, and
 * start over after a connection that lasted {@link #HEALTHY_AFTER}; a relay that answers 404 (no
 * stream: before v1.53.0) or refuses the key is asked again at most every {@link
 * #MAX_ANSWERED_DELAY}. The stream decides nothing about the provider's health: polls do; a
 * refused key asks for one resync so the poll says so. Loop state is the thread's locals; what
 * other threads touch is {@link #stopped}, {@link #current} (closed by {@link #stop}) and the
 * stop latch.
 */
public final class FlagChangeStreamer {
  private static final Logger logger = LoggerFactory.getLogger(FlagChangeStreamer.class);
  public static final String THREAD_NAME = "goff-flag-stream";
  static final Duration FIRST_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofSeconds(60);
  /** Longest wait after the relay answered 404, 401 or 403: asking often would not change it. */
  static final Duration MAX_ANSWERED_DELAY = Duration.ofMinutes(10);
  /** A connection that stayed open this long was healthy: the back-off starts over. */
  static final Duration HEALTHY_AFTER = Duration.ofSeconds(30);

  /** Waits between connections; returns false when the streamer was stopped meanwhile. */
  @FunctionalInterface
  interface Pause {
    boolean await(Duration delay) throws InterruptedException;
  }

  /** How one connection ended. */
  private enum End {
    STOPPED,
    /** The relay ended the stream (EOF), or the connection broke. */
    DISCONNECTED,
    /** Could not connect, or an HTTP error other than 404/401/403. */
    FAILED,
    NOT_FOUND,
    REFUSED
  }

  private record Outcome(End end, boolean healthy, String reason) {}

  private final Supplier<FlagChangeStream> connections;
  private final ChangeSignals signals;
  private final LongSupplier nanoTime;
  private final DoubleSupplier random;
  private final Pause pause;
  private final ChangeDetectionStatus status;
  private final Thread thread;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  /** The connection in use, closed by {@link #stop} to unblock the thread. */
  private final AtomicReference<FlagChangeStream> current = new AtomicReference<>();
  private volatile boolean stopped;

  public FlagChangeStreamer(Supplier<FlagChangeStream> connections, ChangeSignals signals) {
    this(connections, signals, new ChangeDetectionStatus(System::currentTimeMillis));
  }

  /** @param status told when the stream connects and when it ends */
  public FlagChangeStreamer(
      Supplier<FlagChangeStream> connections, ChangeSignals signals, ChangeDetectionStatus status) {
    this(connections, signals, System::nanoTime, () -> ThreadLocalRandom.current().nextDouble(), null, status);
  }

  /** For tests: {@code pause}, when not null, replaces waiting on the clock. */
  FlagChangeStreamer(
      Supplier<FlagChangeStream> connections,
      ChangeSignals signals,
      LongSupplier nanoTime,
      DoubleSupplier random,
      Pause pause) {
    this(connections, signals, nanoTime, random, pause, new ChangeDetectionStatus(System::currentTimeMillis));
  }

  FlagChangeStreamer(
      Supplier<FlagChangeStream> connections,
      ChangeSignals signals,
      LongSupplier nanoTime,
      DoubleSupplier random,
      Pause pause,
      ChangeDetectionStatus status) {
    this.status = status;
    this.connections = connections;
    this.signals = signals;
    this.nanoTime = nanoTime;
    this.random = random;
    this.pause = pause != null ? pause : this::awaitStop;
    this.thread = new Thread(this::run, THREAD_NAME);
    this.thread.setDaemon(true);
  }

  /** Starts the thread; the first connection is made at once. Call once. */
  public void start() {
    thread.start();
  }

  private void run() {
    int attempt = 0;
    End previous = null;
    boolean notFoundLogged = false;
    while (!stopped) {
      Outcome outcome = connectGuarded();
      if (outcome.end() == End.STOPPED || stopped) {
        return;
      }
      attempt = outcome.healthy() ? 1 : attempt + 1;
      boolean news = attempt == 1 || outcome.end() != previous; // Logged once per streak and kind.
      previous = outcome.end();
      if (outcome.end() == End.NOT_FOUND) {
        if (!notFoundLogged) {
          notFoundLogged = true;
          logger.warn("relay has no flag-change stream (relay before v1.53.0?): changes arrive by polling; "
              + "the stream is tried again every {} min at most", MAX_ANSWERED_DELAY.toMinutes());
        }
      } else if (news) {
        log(outcome);
        if (outcome.end() == End.REFUSED) {
          safely(signals::resync); // The poll decides what a refused key means for the provider.
        }
      }
      if (!waitBeforeReconnecting(outcome, attempt)) {
        return;
      }
    }
  }

  /** Runs a call into the signals; a failure there is logged and never ends the connection. */
  private static void safely(Runnable signal) {
    try {
      signal.run();
    } catch (RuntimeException e) {
      logger.error("flag-change signal failed unexpectedly; the stream goes on", e);
    }
  }

  private static void log(Outcome outcome) {
    if (outcome.end() == End.DISCONNECTED && outcome.healthy()) {
      logger.info("{}; reconnecting", outcome.reason());
    } else if (outcome.end() == End.REFUSED) {
      logger.error("{}: the relay refused the API key; retrying with back-off", outcome.reason());
    } else {
      logger.warn("{}; reconnecting with back-off, changes still arrive by polling", outcome.reason());
    }
  }

  private boolean waitBeforeReconnecting(Outcome outcome, int attempt) {
    boolean answered = outcome.end() == End.NOT_FOUND || outcome.end() == End.REFUSED;
    Duration delay = Backoff.delay(FIRST_DELAY, answered ? MAX_ANSWERED_DELAY : MAX_DELAY, attempt, random.getAsDouble());
    logger.debug("flag-change stream: next connection in {} ms", delay.toMillis());
    try {
      return pause.await(delay) && !stopped;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean awaitStop(Duration delay) throws InterruptedException {
    return !stopSignal.await(delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** One connection, from connect to its end; never throws. */
  private Outcome connectGuarded() {
    FlagChangeStream stream;
    try {
      stream = connections.get();
    } catch (RuntimeException e) {
      logger.error("flag-change stream could not be created", e);
      return new Outcome(End.FAILED, false, "flag-change stream could not be created: " + e);
    }
    current.set(stream);
    try {
      if (stopped) {
        return new Outcome(End.STOPPED, false, "stopped");
      }
      return connectAndRead(stream);
    } catch (RuntimeException | Error e) {
      logger.error("flag-change stream failed unexpectedly; reconnecting", e);
      return new Outcome(End.FAILED, false, "flag-change stream failed unexpectedly: " + e);
    } finally {
      current.compareAndSet(stream, null);
      stream.close();
    }
  }

  private Outcome connectAndRead(FlagChangeStream stream) {
    try {
      stream.connect();
    } catch (RelayHttpException e) {
      return refused(e);
    } catch (RelayException e) {
      return new Outcome(End.FAILED, false, e.getMessage());
    }
    long connectedAt = nanoTime.getAsLong();
    logger.debug("flag-change stream connected");
    status.onStreamConnected();
    String reason;
    try {
      safely(signals::resync);
      stream.read(new Forwarder());
      reason = "flag-change stream ended by the relay";
    } catch (RelayException e) {
      reason = e.getMessage();
    } finally {
      status.onStreamDisconnected();
    }
    boolean healthy = nanoTime.getAsLong() - connectedAt >= HEALTHY_AFTER.toNanos();
    return new Outcome(stopped ? End.STOPPED : End.DISCONNECTED, healthy, reason);
  }

  private static Outcome refused(RelayHttpException e) {
    End end =
        e.status() == 404 && e.errorCode() == null
            ? End.NOT_FOUND
            : e.unauthorized() ? End.REFUSED : End.FAILED;
    return new Outcome(end, false, "flag-change stream answered HTTP " + e.status());
  }

  /**
   * Stops the thread: closes the connection (a blocked read fails at once), wakes a wait, and
   * waits up to {@code budget} for the thread to end. Idempotent; safe before {@link #start}.
   */
  public void stop(Duration budget) {
    stopped = true;
    stopSignal.countDown();
    FlagChangeStream stream = current.get();
    if (stream != null) {
      stream.close();
    }
    if (thread.isAlive()) {
      try {
        thread.join(Math.max(1, budget.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Hands events to the signals; a malformed one is logged and answered with a resync. */
  private final class Forwarder implements FlagChangeStream.Listener {
    @Override
    public void changed(FlagChangeEvent event) {
      if (event.flagKeys().isEmpty()) {
        logger.debug("flag-change event named no flag");
        return;
      }
      logger.debug("flag-change event: {}", event.flagKeys());
      safely(() -> signals.flagsChanged(event.flagKeys()));
    }

    @Override
    public void malformed(String reason) {
      logger.warn("flag-change event ignored: {}; asking the relay what changed instead", reason);
      safely(signals::resync);
    }
  }
}
