package dev.flagrelay.stress;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * Watches for virtual threads that block while pinned to their carrier (JFR {@code
 * jdk.VirtualThreadPinned}) with a provider frame on the stack. Active only where the JDK has the
 * event (21+); elsewhere it reports nothing.
 */
final class PinningMonitor implements AutoCloseable {
  private static final String EVENT = "jdk.VirtualThreadPinned";

  private final RecordingStream stream;
  private final Instant started = Instant.now();
  private final List<String> pinned = new CopyOnWriteArrayList<>();
  private final List<String> libraryPins = new CopyOnWriteArrayList<>();

  PinningMonitor() {
    RecordingStream started = null;
    if (Runtime.version().feature() >= 21) {
      started = new RecordingStream();
      started.enable(EVENT).withThreshold(Duration.ZERO).withStackTrace();
      started.onEvent(EVENT, this::onPinned);
      started.startAsync();
    }
    this.stream = started;
  }

  private void onPinned(RecordedEvent event) {
    if (event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty() || loadingOrLinking(event)) {
      return;
    }
    // Only a pin where provider code itself blocks while holding a monitor counts. Pins inside a
    // library (OkHttp's okio) or the JVM (resolving a call site on first use: "freeze or preempt
    // failed") are logged, not failed; NoMonitorsTest proves the provider has no monitor at all.
    RecordedFrame top = event.getStackTrace().getFrames().get(0);
    String where = top.getMethod().getType().getName() + "." + top.getMethod().getName();
    String line =
        where + " pinned its carrier for " + event.getDuration()
            + " (" + (event.hasField("pinnedReason") ? event.getString("pinnedReason") : "?") + ", "
            + (event.hasField("blockingOperation") ? event.getString("blockingOperation") : "?") + ")";
    if (event.getStartTime().isBefore(started)) {
      return; // Flushed late from an earlier scenario in this JVM.
    }
    String reason = event.hasField("pinnedReason") ? String.valueOf(event.getString("pinnedReason")) : "";
    boolean vmInternal = reason.startsWith("Freeze or preempt failed") || reason.startsWith("Native or VM frame");
    if (isProviderCode(top.getMethod().getType().getName()) && !vmInternal) {
      if (Boolean.getBoolean("stress.debug")) {
        StringBuilder stack = new StringBuilder(line);
        event.getStackTrace().getFrames().forEach(frame -> stack.append("\n    at ").append(frame.getMethod().getType().getName())
            .append('.').append(frame.getMethod().getName()).append(':').append(frame.getLineNumber()));
        line = stack.toString();
      }
      pinned.add(line);
    } else {
      libraryPins.add(line);
    }
  }

  private static boolean isProviderCode(String type) {
    return type.startsWith("dev.flagrelay.internal.") || type.startsWith("dev.flagrelay.GoFeatureFlagProvider");
  }

  /**
   * The JVM pins a virtual thread while it loads, initialises or links a class or call site (a
   * one-time cost of the first calls, not a lock of ours), so those events are not the provider's.
   */
  private static boolean loadingOrLinking(RecordedEvent event) {
    if (event.hasField("pinnedReason") && String.valueOf(event.getString("pinnedReason")).contains("initialization")) {
      return true;
    }
    for (RecordedFrame frame : event.getStackTrace().getFrames()) {
      String method = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
      if (method.equals("java.lang.ClassLoader.loadClass")
          || method.startsWith("jdk.internal.misc.Unsafe.ensureClassInitialized")
          || method.equals("java.lang.invoke.MethodHandleNatives.linkCallSite")) {
        return true;
      }
    }
    return false;
  }

  /** Stops watching (flushing what was recorded) and returns the provider frames that pinned. */
  List<String> stop() {
    if (stream != null) {
      try {
        // RecordingStream.stop() (JDK 20+) flushes every event before returning; release 17 has no such method.
        RecordingStream.class.getMethod("stop").invoke(stream);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot stop the JFR stream", e);
      }
    }
    if (!libraryPins.isEmpty()) {
      System.err.println("[stress] pins outside provider code (not failed): " + libraryPins.size()
          + ", e.g. " + libraryPins.get(0));
    }
    return List.copyOf(pinned);
  }

  @Override
  public void close() {
    if (stream != null) {
      stream.close();
    }
  }
}
