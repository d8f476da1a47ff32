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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import dev.flagrelay.internal.polling.DaemonThreads;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers collector events and sends them from one background thread ({@code goff-data-collector}).
 *
 * <p>Design: {@link #record} appends to one of a few lock-free rings ({@link EventRing}), chosen
 * by the recording thread's id, as Caffeine stripes its read buffer: threads that record at the
 * same time touch different cache lines, and each thread's events stay in its order. It never
 * waits for a flush, never does I/O and never parks (an early-flush request alone takes the
 * executor's queue lock briefly). Every event leaves a ring through exactly one {@code poll}, and
 * whoever polls it accounts for it: the sender (sent, requeued or refused), a recorder over the
 * cap (dropped, oldest first: the requeued batch, then its own ring), or shutdown (dropped). An
 * event no ring can take is counted as dropped at once. The sender takes as many events as each
 * ring held when the flush began and posts with no lock held, so flushes never overlap (one
 * thread). A batch that failed for a transient reason (I/O, timeout, 5xx, 429) goes into a ring of
 * its own that the next flush sends first, in its original order; one the collector refused with
 * another 4xx is dropped and counted.
 *
 * <p>The cap (twice {@code maxPendingEvents}) and the early flush (at {@code maxPendingEvents})
 * are over all rings. A recorder sums the rings only when its own ring holds at least its share
 * (the threshold divided by the number of rings, at least 1): while the events are spread out,
 * no recorder reads another's ring, and once the rings together reach the threshold some ring
 * holds its share, so its next recording sees it. The sum may run over by the few events being recorded at that instant.
 * Overflow is counted in {@link #droppedEvents()} and logged by the sender (never by a recording
 * thread) at most once a minute, with the count.
 */
public final class DataCollector implements EventRecorder {
  private static final Logger logger = LoggerFactory.getLogger(DataCollector.class);
  public static final String THREAD_NAME = "goff-data-collector";
  private static final long OVERFLOW_REPORT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  /** Most slots one ring allocates; a larger cap is still honoured over the rings together. */
  static final int MAX_RING_SIZE = 1 << 16;
  /** Rings: twice the processors, a power of two, at most 16; allocated when first used. */
  static final int STRIPES = stripeCount(Runtime.getRuntime().availableProcessors());

  private final RelayClient relay;
  private final JsonCodec codec;
  private final int flushThreshold;
  private final int capacity;
  private final int ringSize;
  /**
   * A ring holding this many makes its recorder sum all rings (cap, early flush). While every ring
   * holds fewer, the rings together hold fewer than {@code maxPendingEvents}: no check is needed.
   */
  private final int stripeShare;
  private final Duration flushInterval;
  private final Duration timeout;
  private final ScheduledThreadPoolExecutor sender;
  /**
   * Told of every event counted in {@link #droppedEvents()}, on the thread that dropped it: the
   * concurrency suite accounts for events by identity, not by totals that a double count and a
   * loss would balance.
   */
  private final Consumer<CollectorEvent> onDrop;

  /** The recording rings, by thread; each created by the first thread that needs it. */
  private final AtomicReferenceArray<EventRing> stripes = new AtomicReferenceArray<>(STRIPES);
  /** A failed batch, oldest first, sent before anything else; only the sender adds to it. */
  private final EventRing retry;
  /** Events dropped because the buffer was over its cap; contended by recorders, hence striped. */
  private final LongAdder overflowed = new LongAdder();
  /** Events dropped for any other reason: after shutdown, unsent at shutdown, a bug. */
  private final LongAdder droppedOtherwise = new LongAdder();
  /** Overflow drops already reported in the log; the sender thread's only. */
  private long overflowReported;
  /** When the last overflow warning was logged; the sender thread's only. */
  private long lastOverflowReportNanos;
  private boolean overflowReportedOnce;
  /** Set once shutdown starts counting what is left; a recorder that sees it counts its own. */
  private volatile boolean drained;

  /** The batch being sent; reused from flush to flush, touched by the sender thread only. */
  private final ArrayList<CollectorEvent> batch = new ArrayList<>();
  /** The encoded batch; reused from flush to flush, touched by the sender thread only. */
  private final EnvelopeBuffer envelope = new EnvelopeBuffer();

  private final AtomicBoolean flushRequested = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
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
    this.ringSize = EventRing.sizeFor(capacity, MAX_RING_SIZE);
    this.stripeShare = Math.min(Math.max(1, maxPendingEvents / STRIPES), ringSize / 2);
    this.retry = new EventRing(ringSize);
    this.flushInterval = flushInterval;
    this.timeout = timeout;
    this.sender = DaemonThreads.singleThreadScheduler(THREAD_NAME);
  }

  static int stripeCount(int processors) {
    return Math.min(16, Integer.highestOneBit(Math.max(1, processors)) * 2);
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
      droppedOtherwise.increment();
      onDrop.accept(event);
      logger.debug("event recorded after shutdown was dropped: {}", event);
      return;
    }
    EventRing ring = ringOfThisThread();
    if (!ring.offer(event)) {
      offerToFullRing(ring, event);
    }
    if (drained) {
      // Lost the race with close(): it may have counted what was pending before this event
      // arrived. Whoever polls an event counts it, so nothing is counted twice.
      dropAllPending();
      return;
    }
    int size = ring.size();
    if (size >= stripeShare) {
      overShare(ring, size);
    }
  }

  private EventRing ringOfThisThread() {
    int index = spread(Thread.currentThread().getId()) & (STRIPES - 1);
    EventRing ring = stripes.get(index);
    if (ring == null) {
      stripes.compareAndSet(index, null, new EventRing(ringSize));
      ring = stripes.get(index);
    }
    return ring;
  }

  /** Thread ids are sequential: mix them so that neighbours land on different rings. */
  private static int spread(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32);
  }

  /** This recorder's ring holds its share or more: check the cap and the early flush over all rings. */
  private void overShare(EventRing ring, int held) {
    int total = pendingEvents();
    if (total > capacity) {
      dropOldest(ring); // One out for each one in past the cap; the sender reports it.
    }
    if ((total >= flushThreshold || held >= ringSize / 2)
        && !failing
        && started.get()
        && !flushRequested.get()
        && flushRequested.compareAndSet(false, true)) {
      requestFlush();
    }
  }

  /** Drops the oldest event: of the requeued batch if any, else of {@code ring}; counted, not logged. */
  private void dropOldest(EventRing ring) {
    CollectorEvent oldest = retry.poll();
    if (oldest == null) {
      oldest = ring.poll();
    }
    if (oldest != null) {
      overflowed(oldest);
    }
  }

  private void overflowed(CollectorEvent event) {
    overflowed.increment();
    onDrop.accept(event);
  }

  /**
   * The ring itself is full (the sender far behind, or a cap above what one ring holds): its
   * oldest event makes room, counted. When even that fails (the oldest is being taken right now),
   * this event is the one dropped, counted: recording never waits.
   */
  private void offerToFullRing(EventRing ring, CollectorEvent event) {
    CollectorEvent oldest = ring.poll();
    if (oldest != null) {
      overflowed(oldest);
    }
    if (!ring.offer(event)) {
      overflowed(event);
    }
  }

  /**
   * Logs the overflow drops not reported yet: the first as soon as the sender runs, then at most
   * once per {@link #OVERFLOW_REPORT_INTERVAL_NANOS}. Never on an evaluating thread: a collector
   * that cannot keep up would otherwise log on every flush, from the application's threads.
   */
  private void reportOverflow() {
    long unreported = overflowed.sum() - overflowReported;
    if (unreported <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (overflowReportedOnce && now - lastOverflowReportNanos < OVERFLOW_REPORT_INTERVAL_NANOS) {
      return;
    }
    overflowReportedOnce = true;
    lastOverflowReportNanos = now;
    overflowReported += unreported;
    logger.warn(
        "data collector buffer is full ({} events): dropped the {} oldest events since the last report; "
            + "the collector is not keeping up (lower dataFlushInterval or raise maxPendingEvents)",
        capacity,
        unreported);
  }

  /**
   * Takes every pending event, waiting for any being written, and counts each as dropped;
   * returns how many it took. Used once {@link #drained} is set.
   */
  private int dropAllPending() {
    int lost = drain(retry);
    for (int i = 0; i < STRIPES; i++) {
      EventRing ring = stripes.get(i);
      if (ring != null) {
        lost += drain(ring);
      }
    }
    droppedOtherwise.add(lost);
    return lost;
  }

  private int drain(EventRing ring) {
    int count = 0;
    CollectorEvent event;
    while ((event = ring.pollWaiting()) != null) {
      count++;
      onDrop.accept(event);
    }
    return count;
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
      droppedOtherwise.add(batch.size()); // A bug, not an outage: not retried, but counted.
      batch.forEach(onDrop);
      throw e;
    } finally {
      batch.clear();
    }
  }

  /**
   * Moves into {@link #batch} the requeued batch, then as many events of each ring as it held
   * when the flush began (each ring's oldest first).
   */
  private void takePending() {
    take(retry);
    for (int i = 0; i < STRIPES; i++) {
      EventRing ring = stripes.get(i);
      if (ring != null) {
        take(ring);
      }
    }
  }

  private void take(EventRing ring) {
    CollectorEvent event;
    for (int count = ring.size(); count > 0 && (event = ring.poll()) != null; count--) {
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

  /**
   * Puts the failed batch back, to be sent before newer events, oldest first, within the cap: the
   * oldest of it are dropped (counted) when it and the rings together hold more.
   */
  private void requeue() {
    int excess = Math.max(0, batch.size() + pendingEvents() - capacity);
    int first = Math.min(batch.size(), excess);
    int kept = first;
    while (kept < batch.size() && retry.offer(batch.get(kept))) {
      kept++;
    }
    for (int i = 0; i < first; i++) {
      overflowed(batch.get(i));
    }
    for (int i = kept; i < batch.size(); i++) {
      overflowed(batch.get(i));
    }
    if (drained) {
      dropAllPending(); // Shutdown gave up waiting for this flush.
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
      sender.execute(() -> finalFlush(callTimeout));
    } catch (RejectedExecutionException e) {
      logger.debug("data collector already stopped");
    }
    sender.shutdown();
    awaitQuietly(sender, deadline);
    int lost = countLost();
    long unreported = overflowed.sum() - overflowReported;
    if (unreported > 0) {
      logger.warn("data collector dropped {} more oldest events because its buffer was full", unreported);
    }
    if (lost > 0) {
      logger.warn("data collector stopped with {} events unsent", lost);
    }
  }

  /** The flush close() asks for: as a periodic one, a failure it did not expect is logged. */
  private void finalFlush(Duration callTimeout) {
    try {
      flush(callTimeout);
    } catch (RuntimeException | Error e) {
      logger.error("data collector's final flush failed unexpectedly; its events were counted as dropped", e);
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
    return overflowed.sum() + droppedOtherwise.sum();
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
    int total = retry.size();
    for (int i = 0; i < STRIPES; i++) {
      EventRing ring = stripes.get(i);
      if (ring != null) {
        total += ring.size();
      }
    }
    return total;
  }

  /** For tests: each ring's positions. */
  String describeRings() {
    StringBuilder out = new StringBuilder("retry " + retry.describe());
    for (int i = 0; i < STRIPES; i++) {
      EventRing ring = stripes.get(i);
      out.append("; ring ").append(i).append(' ').append(ring == null ? "-" : ring.describe());
    }
    return out.append("; drained ").append(drained).toString();
  }

  /** For tests: how many rings recorders have used. */
  int ringsInUse() {
    int used = 0;
    for (int i = 0; i < STRIPES; i++) {
      used += stripes.get(i) == null ? 0 : 1;
    }
    return used;
  }

  /** For tests: the pending events, the requeued batch first, then each ring's, oldest first. */
  List<CollectorEvent> snapshotPending() {
    List<CollectorEvent> events = new ArrayList<>();
    retry.copyTo(events);
    for (int i = 0; i < STRIPES; i++) {
      EventRing ring = stripes.get(i);
      if (ring != null) {
        ring.copyTo(events);
      }
    }
    return events;
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
