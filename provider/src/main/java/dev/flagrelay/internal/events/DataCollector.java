package dev.flagrelay.internal.events;

import dev.flagrelay.internal.evaluation.EventRecorder;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.CollectorEvent;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import dev.flagrelay.internal.polling.DaemonThreads;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers collector events and sends them from one background thread ({@code goff-data-collector}).
 *
 * <p>Design: {@link #record} appends to a lock-free deque and counts it; it never waits for a
 * flush and never does I/O, and appending never parks, so evaluating threads do not queue behind
 * one another (an early-flush request alone takes the executor's queue lock briefly; a lock here
 * made 4 threads on 2 cores slower than 1). Every event leaves the deque through exactly one
 * {@code pollFirst}, and whoever polls it accounts for it: the sender (sent, requeued or
 * refused), a recorder that overflowed the cap (dropped, oldest first), or shutdown (dropped).
 * The sender takes as many events as were counted when the flush began, releases nothing it did
 * not take, and posts with no lock held, so flushes never overlap (one thread). A batch that
 * failed for a transient reason (I/O, timeout, 5xx, 429) goes back to the head of the deque in
 * its original order; one the collector refused with another 4xx is dropped and counted. The
 * deque holds at most about {@code 2 * maxPendingEvents} (each recorder that pushes the count
 * past the cap drops one oldest event); overflow is counted in {@link #droppedEvents()} and logged
 * by the sender (never by a recording thread) at most once a minute, with the count.
 */
public final class DataCollector implements EventRecorder {
  private static final Logger logger = LoggerFactory.getLogger(DataCollector.class);
  public static final String THREAD_NAME = "goff-data-collector";
  private static final long OVERFLOW_REPORT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final RelayClient relay;
  private final JsonCodec codec;
  private final int flushThreshold;
  private final int capacity;
  private final Duration flushInterval;
  private final Duration timeout;
  private final ScheduledThreadPoolExecutor sender;
  /**
   * Told of every event counted in {@link #droppedEvents()}, on the thread that dropped it: the
   * concurrency suite accounts for events by identity, not by totals that a double count and a
   * loss would balance.
   */
  private final Consumer<CollectorEvent> onDrop;

  private final ConcurrentLinkedDeque<CollectorEvent> pending = new ConcurrentLinkedDeque<>();
  /** Events in {@link #pending}: raised after an append, lowered after a successful poll. */
  private final AtomicInteger pendingCount = new AtomicInteger();
  /** Events dropped for overflow and not yet reported in the log. */
  private final AtomicLong droppedUnreported = new AtomicLong();
  /** When the last overflow warning was logged; the sender thread's only. */
  private long lastOverflowReportNanos;
  private boolean overflowReported;
  /** Set once shutdown starts counting what is left; a recorder that sees it counts its own. */
  private volatile boolean drained;

  /** The batch being sent; reused from flush to flush, touched by the sender thread only. */
  private final ArrayList<CollectorEvent> batch = new ArrayList<>();
  /** The encoded batch; reused from flush to flush, touched by the sender thread only. */
  private final EnvelopeBuffer envelope = new EnvelopeBuffer();

  private final AtomicBoolean flushRequested = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  /** Batches that failed for a transient reason (kept for the next flush); the sender's writes only. */
  private final AtomicLong failedBatches = new AtomicLong();
  /**
   * Written by the sender thread only; read by {@link #record} so that a collector that keeps
   * failing is retried on the periodic schedule, not on every new event.
   */
  private volatile boolean failing;

  public DataCollector(
      RelayClient relay, JsonCodec codec, int maxPendingEvents, Duration flushInterval, Duration timeout) {
    this(relay, codec, maxPendingEvents, flushInterval, timeout, event -> {});
  }

  /** For the concurrency suite: {@code onDrop} hears of every event counted as dropped. */
  public DataCollector(
      RelayClient relay,
      JsonCodec codec,
      int maxPendingEvents,
      Duration flushInterval,
      Duration timeout,
      Consumer<CollectorEvent> onDrop) {
    this.onDrop = onDrop;
    this.relay = relay;
    this.codec = codec;
    this.flushThreshold = maxPendingEvents;
    this.capacity = Math.multiplyExact(maxPendingEvents, 2);
    this.flushInterval = flushInterval;
    this.timeout = timeout;
    this.sender = DaemonThreads.singleThreadScheduler(THREAD_NAME);
  }

  /** Starts the periodic flush; the first one comes after one interval. Idempotent. */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      return;
    }
    long periodMillis = Math.max(1, flushInterval.toMillis());
    try {
      sender.scheduleWithFixedDelay(this::flushGuarded, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      logger.debug("data collector closed before it started");
    }
  }

  @Override
  public void record(CollectorEvent event) {
    if (closed.get()) {
      dropped.incrementAndGet();
      onDrop.accept(event);
      logger.debug("event recorded after shutdown was dropped: {}", event);
      return;
    }
    pending.offerLast(event);
    int size = pendingCount.incrementAndGet();
    if (drained) {
      // Lost the race with close(): it may have counted what was pending before this event
      // arrived. Whoever polls an event counts it, so nothing is counted twice.
      dropAllPending();
      return;
    }
    if (size > capacity) {
      dropOldest(1); // One out for each one in past the cap; the sender reports it.
    }
    if (size >= flushThreshold && !failing && started.get() && flushRequested.compareAndSet(false, true)) {
      requestFlush();
    }
  }

  /** Drops up to {@code count} of the oldest pending events, counted; logs nothing. */
  private void dropOldest(int count) {
    CollectorEvent event;
    for (int i = 0; i < count && (event = pending.pollFirst()) != null; i++) {
      pendingCount.decrementAndGet();
      dropped.incrementAndGet();
      droppedUnreported.incrementAndGet();
      onDrop.accept(event);
    }
  }

  /**
   * Logs the overflow drops not reported yet: the first as soon as the sender runs, then at most
   * once per {@link #OVERFLOW_REPORT_INTERVAL_NANOS}. Never on an evaluating thread: a collector
   * that cannot keep up would otherwise log on every flush, from the application's threads.
   */
  private void reportOverflow() {
    if (droppedUnreported.get() == 0) {
      return;
    }
    long now = System.nanoTime();
    if (overflowReported && now - lastOverflowReportNanos < OVERFLOW_REPORT_INTERVAL_NANOS) {
      return;
    }
    overflowReported = true;
    lastOverflowReportNanos = now;
    logger.warn(
        "data collector buffer is full ({} events): dropped the {} oldest events since the last report; "
            + "the collector is not keeping up (lower dataFlushInterval or raise maxPendingEvents)",
        capacity,
        droppedUnreported.getAndSet(0));
  }

  /** Polls every pending event and counts each as dropped; returns how many it took. */
  private int dropAllPending() {
    int lost = 0;
    CollectorEvent event;
    while ((event = pending.pollFirst()) != null) {
      pendingCount.decrementAndGet();
      lost++;
      onDrop.accept(event);
    }
    dropped.addAndGet(lost);
    return lost;
  }

  private void requestFlush() {
    try {
      sender.execute(this::flushGuarded);
    } catch (RejectedExecutionException e) {
      flushRequested.set(false); // Shutting down: the final flush takes what is pending.
    }
  }

  private void flushGuarded() {
    flushRequested.set(false);
    try {
      flush(timeout);
      reportOverflow();
    } catch (RuntimeException | Error e) {
      logger.error("data collector flush failed unexpectedly; the schedule goes on", e);
    }
  }

  /** Sends everything pending in one batch. Runs on the sender thread only. */
  private void flush(Duration callTimeout) {
    takePending();
    if (batch.isEmpty()) {
      return;
    }
    try {
      envelope.reset();
      codec.writeCollectorEnvelope(batch, envelope);
      relay.sendEvents(envelope.array(), envelope.size(), callTimeout);
      sent.addAndGet(batch.size());
      onSuccess();
    } catch (RelayException e) {
      onFailure(e);
    } catch (RuntimeException | Error e) {
      dropped.addAndGet(batch.size()); // A bug, not an outage: not retried, but counted.
      batch.forEach(onDrop);
      throw e;
    } finally {
      batch.clear();
    }
  }

  /** Moves the events pending when the flush began, oldest first, into {@link #batch}. */
  private void takePending() {
    int count = pendingCount.get();
    CollectorEvent event;
    while (batch.size() < count && (event = pending.pollFirst()) != null) {
      pendingCount.decrementAndGet();
      batch.add(event);
    }
  }

  private void onSuccess() {
    if (failing) {
      failing = false;
      logger.info("data collector is sending events again");
    }
  }

  private void onFailure(RelayException e) {
    boolean transientFailure = e.unavailable() || !(e instanceof RelayHttpException);
    if (!transientFailure) {
      rejected.addAndGet(batch.size());
      logger.warn("data collector refused a batch of {} events, dropped: {}", batch.size(), e.getMessage());
      return;
    }
    int size = batch.size();
    failedBatches.incrementAndGet();
    requeue();
    if (!failing) {
      failing = true;
      logger.warn("data collector unavailable, {} events kept for the next flush: {}", size, e.getMessage());
    }
  }

  /** Puts the failed batch back in front of newer events, oldest first, within the capacity. */
  private void requeue() {
    for (int i = batch.size() - 1; i >= 0; i--) {
      pending.offerFirst(batch.get(i));
    }
    int size = pendingCount.addAndGet(batch.size());
    if (drained) {
      dropAllPending(); // Shutdown gave up waiting for this flush.
      return;
    }
    if (size > capacity) {
      dropOldest(size - capacity);
    }
  }

  /**
   * Flushes what is pending, then stops the sender, within {@code budget}. Events that could not
   * be sent by then are counted as dropped. Idempotent.
   */
  public void close(Duration budget) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + budget.toNanos();
    try {
      Duration callTimeout = budget.multipliedBy(9).dividedBy(10);
      sender.execute(() -> flush(callTimeout));
    } catch (RejectedExecutionException e) {
      logger.debug("data collector already stopped");
    }
    sender.shutdown();
    awaitQuietly(sender, deadline);
    int lost = countLost();
    long overflowed = droppedUnreported.getAndSet(0);
    if (overflowed > 0) {
      logger.warn("data collector dropped {} more oldest events because its buffer was full", overflowed);
    }
    if (lost > 0) {
      logger.warn("data collector stopped with {} events unsent", lost);
    }
  }

  private int countLost() {
    drained = true;
    return dropAllPending();
  }

  static void awaitQuietly(ScheduledExecutorService executor, long deadlineNanos) {
    try {
      long left = deadlineNanos - System.nanoTime();
      if (!executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Events dropped: buffer overflow, unsent at shutdown, or recorded after it. */
  public long droppedEvents() {
    return dropped.get();
  }

  /** Events the collector accepted. */
  public long sentEvents() {
    return sent.get();
  }

  /** Events in batches the collector refused with a 4xx other than 429. */
  public long rejectedEvents() {
    return rejected.get();
  }

  /** Batches that failed for a transient reason (I/O, timeout, 5xx, 429) and were kept. */
  public long failedBatches() {
    return failedBatches.get();
  }

  /** Events waiting to be sent. */
  public int pendingEvents() {
    return pendingCount.get();
  }

  /** For tests: the pending events, oldest first. */
  List<CollectorEvent> snapshotPending() {
    return new ArrayList<>(pending);
  }

  /** A growable byte buffer whose array is handed to the sender without a copy. */
  private static final class EnvelopeBuffer extends ByteArrayOutputStream {
    EnvelopeBuffer() {
      super(64 * 1024);
    }

    byte[] array() {
      return buf;
    }
  }
}
