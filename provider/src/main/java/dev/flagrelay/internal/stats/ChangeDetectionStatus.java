package dev.flagrelay.internal.stats;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Whether change detection is alive: written by the poller or the refresher thread (syncs) and
 * the stream thread (connections), read by anyone. Single writer per field, so plain volatile
 * writes suffice; the connect count is an adder.
 */
public final class ChangeDetectionStatus {
  private final LongSupplier wallMillis;
  /** 0 until the first successful sync. */
  private volatile long lastSyncMillis;
  private volatile int consecutiveFailures;
  private volatile boolean streamConnected;
  private final LongAdder streamConnects = new LongAdder();

  public ChangeDetectionStatus(LongSupplier wallMillis) {
    this.wallMillis = wallMillis;
  }

  /** A poll or configuration fetch was answered (a 304 included). */
  public void syncSucceeded() {
    consecutiveFailures = 0;
    lastSyncMillis = wallMillis.getAsLong();
  }

  /** A poll or configuration fetch failed (a refused key included). Called by one thread at a time. */
  public void syncFailed() {
    consecutiveFailures = consecutiveFailures + 1;
  }

  public void onStreamConnected() {
    streamConnects.increment();
    streamConnected = true;
  }

  public void onStreamDisconnected() {
    streamConnected = false;
  }

  /** Milliseconds since the epoch of the last successful sync; 0 when there was none. */
  public long lastSyncMillis() {
    return lastSyncMillis;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public boolean isStreamConnected() {
    return streamConnected;
  }

  public long streamConnects() {
    return streamConnects.sum();
  }
}
