package dev.flagrelay.internal.events;

import dev.flagrelay.internal.evaluation.EventRecorder;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.CollectorEvent;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import dev.flagrelay.internal.polling.DaemonThreads;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers collector events and sends them from one background thread ({@code goff-data-collector}).
 *
 * <p>Design: {@link #record} takes a short lock to append to a bounded deque and never waits for
 * anything else; it never does I/O. The sender swaps the whole deque for an empty one under the
 * lock, releases it, and only then posts, so flushes never overlap (one thread) and no lock is
 * held across the network. A batch that failed for a transient reason (I/O, timeout, 5xx, 429)
 * goes back to the head of the deque in its original order; one the collector refused with
 * another 4xx is dropped and counted. The deque holds at most {@code 2 * maxPendingEvents}; on
 * overflow the oldest events go, are counted in {@link #droppedEvents()}, and a warning names
 * the count once per streak.
 */
public final class DataCollector implements EventRecorder {
  private static final Logger logger = LoggerFactory.getLogger(DataCollector.class);
  public static final String THREAD_NAME = "goff-data-collector";

  private final RelayClient relay;
  private final JsonCodec codec;
  private final int flushThreshold;
  private final int capacity;
  private final Duration flushInterval;
  private final Duration timeout;
  private final ScheduledThreadPoolExecutor sender;

  private final ReentrantLock lock = new ReentrantLock();
  /** Guarded by {@link #lock}. */
  private ArrayDeque<CollectorEvent> pending;
  /** Guarded by {@link #lock}: events dropped since the last successful flush. */
  private long droppedInStreak;
  /** Guarded by {@link #lock}: set once shutdown counted what was left; later events are dropped. */
  private boolean drained;

  /** The encoded batch; reused from flush to flush, touched by the sender thread only. */
  private final EnvelopeBuffer envelope = new EnvelopeBuffer();

  private final AtomicBoolean flushRequested = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  /**
   * Written by the sender thread only; read by {@link #record} so that a collector that keeps
   * failing is retried on the periodic schedule, not on every new event.
   */
  private volatile boolean failing;

  public DataCollector(
      RelayClient relay, JsonCodec codec, int maxPendingEvents, Duration flushInterval, Duration timeout) {
    this.relay = relay;
    this.codec = codec;
    this.flushThreshold = maxPendingEvents;
    this.capacity = Math.multiplyExact(maxPendingEvents, 2);
    this.flushInterval = flushInterval;
    this.timeout = timeout;
    this.sender = DaemonThreads.singleThreadScheduler(THREAD_NAME);
    this.pending = newBuffer();
  }

  /** Sized for a typical batch, so a busy recorder does not grow it step by step under the lock. */
  private ArrayDeque<CollectorEvent> newBuffer() {
    return new ArrayDeque<>(Math.min(flushThreshold, 4096) + 1);
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
      logger.debug("event recorded after shutdown was dropped: {}", event);
      return;
    }
    int size;
    boolean overflowStarted = false;
    lock.lock();
    try {
      if (drained) {
        // Lost the race with close(): it already counted what was pending.
        dropped.incrementAndGet();
        return;
      }
      if (pending.size() >= capacity) {
        pending.pollFirst();
        dropped.incrementAndGet();
        overflowStarted = droppedInStreak++ == 0;
      }
      pending.addLast(event);
      size = pending.size();
    } finally {
      lock.unlock();
    }
    if (overflowStarted) {
      logger.warn("data collector buffer is full ({} events): dropping the oldest events until a flush succeeds", capacity);
    }
    if (size >= flushThreshold && !failing && started.get() && flushRequested.compareAndSet(false, true)) {
      requestFlush();
    }
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
    } catch (RuntimeException | Error e) {
      logger.error("data collector flush failed unexpectedly; the schedule goes on", e);
    }
  }

  /** Sends everything pending in one batch. Runs on the sender thread only. */
  private void flush(Duration callTimeout) {
    ArrayDeque<CollectorEvent> batch = takeAll();
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
      onFailure(batch, e);
    }
  }

  private ArrayDeque<CollectorEvent> takeAll() {
    ArrayDeque<CollectorEvent> batch;
    lock.lock();
    try {
      batch = pending;
      pending = newBuffer();
    } finally {
      lock.unlock();
    }
    return batch;
  }

  private void onSuccess() {
    long droppedNow;
    lock.lock();
    try {
      droppedNow = droppedInStreak;
      droppedInStreak = 0;
    } finally {
      lock.unlock();
    }
    if (droppedNow > 0) {
      logger.warn("data collector dropped {} events (oldest first) while the buffer was full", droppedNow);
    }
    if (failing) {
      failing = false;
      logger.info("data collector is sending events again");
    }
  }

  private void onFailure(ArrayDeque<CollectorEvent> batch, RelayException e) {
    boolean transientFailure = e.unavailable() || !(e instanceof RelayHttpException);
    if (!transientFailure) {
      rejected.addAndGet(batch.size());
      logger.warn("data collector refused a batch of {} events, dropped: {}", batch.size(), e.getMessage());
      return;
    }
    requeue(batch);
    if (!failing) {
      failing = true;
      logger.warn("data collector unavailable, {} events kept for the next flush: {}", batch.size(), e.getMessage());
    }
  }

  /** Puts a failed batch back in front of newer events, oldest first, within the capacity. */
  private void requeue(ArrayDeque<CollectorEvent> batch) {
    boolean overflowStarted = false;
    lock.lock();
    try {
      if (drained) {
        dropped.addAndGet(batch.size()); // Shutdown gave up waiting for this flush.
        return;
      }
      for (Iterator<CollectorEvent> newestFirst = batch.descendingIterator(); newestFirst.hasNext(); ) {
        pending.addFirst(newestFirst.next());
      }
      while (pending.size() > capacity) {
        pending.pollFirst();
        dropped.incrementAndGet();
        overflowStarted |= droppedInStreak++ == 0;
      }
    } finally {
      lock.unlock();
    }
    if (overflowStarted) {
      logger.warn("data collector buffer is full ({} events): dropping the oldest events until a flush succeeds", capacity);
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
    if (lost > 0) {
      dropped.addAndGet(lost);
      logger.warn("data collector stopped with {} events unsent", lost);
    }
  }

  private int countLost() {
    lock.lock();
    try {
      drained = true;
      int lost = pending.size();
      pending = newBuffer();
      return lost;
    } finally {
      lock.unlock();
    }
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

  /** Events waiting to be sent. */
  public int pendingEvents() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /** For tests: the pending events, oldest first. */
  List<CollectorEvent> snapshotPending() {
    lock.lock();
    try {
      List<CollectorEvent> copy = new ArrayList<>(pending.size());
      for (Iterator<CollectorEvent> it = pending.iterator(); it.hasNext(); ) {
        copy.add(it.next());
      }
      return copy;
    } finally {
      lock.unlock();
    }
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
