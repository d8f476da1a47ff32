package dev.flagrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.internal.relay.FlagChangeEvent;
import dev.flagrelay.internal.relay.FlagChangeStream;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stream's reconnect loop against scripted connections, a fake clock and a fake pause: what
 * it connects, when, and what it tells the change detection. No test here waits on real time
 * except the shutdown tests, which wait for a latch.
 */
@ExtendWith(FastPolling.class)
class FlagChangeStreamerTest {
  private final FakeTime time = new FakeTime();
  private final RecordingSignals signals = new RecordingSignals();
  private final List<FlagChangeStreamer> streamers = new ArrayList<>();

  @AfterEach
  void stopAndCheckForLeaks() {
    streamers.forEach(streamer -> streamer.stop(Duration.ofSeconds(1)));
    GoffThreads.awaitNone(FlagChangeStreamer.THREAD_NAME);
  }

  /** A clock that only moves when the streamer pauses (or a scripted read says so). */
  private static final class FakeTime {
    final AtomicLong nanos = new AtomicLong();
    final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    volatile Duration runFor = Duration.ofMinutes(10);

    /** Advances the clock by the pause; stops the loop once {@link #runFor} has passed. */
    boolean pause(Duration delay) {
      pauses.add(delay);
      return nanos.addAndGet(delay.toNanos()) < runFor.toNanos();
    }

    void advance(Duration duration) {
      nanos.addAndGet(duration.toNanos());
    }
  }

  /** What the streamer told the change detection, in order. */
  private static final class RecordingSignals implements ChangeSignals {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void flagsChanged(List<String> flagKeys) {
      calls.add("changed " + flagKeys);
    }

    @Override
    public void resync() {
      calls.add("resync");
    }

    List<String> snapshot() {
      synchronized (calls) {
        return List.copyOf(calls);
      }
    }
  }

  /** One scripted connection. */
  @FunctionalInterface
  private interface Reader {
    void read(FlagChangeStream.Listener listener, ScriptedStream stream) throws RelayException;
  }

  private static final class ScriptedStream implements FlagChangeStream {
    private final RelayException connectFailure;
    private final Reader reader;
    final CountDownLatch closed = new CountDownLatch(1);

    ScriptedStream(RelayException connectFailure, Reader reader) {
      this.connectFailure = connectFailure;
      this.reader = reader;
    }

    @Override
    public void connect() throws RelayException {
      if (connectFailure != null) {
        throw connectFailure;
      }
    }

    @Override
    public void read(Listener listener) throws RelayException {
      reader.read(listener, this);
    }

    /** Blocks like a silent relay until {@link #close()}, then fails as a cancelled call does. */
    void blockUntilClosed() throws RelayException {
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new RelayUnreachableException("flag-change stream was closed", null, false);
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  private FlagChangeStreamer started(java.util.function.Supplier<FlagChangeStream> connections) {
    FlagChangeStreamer streamer =
        new FlagChangeStreamer(connections, signals, time.nanos::get, () -> 0.5, time::pause);
    streamers.add(streamer);
    streamer.start();
    return streamer;
  }

  private static ScriptedStream endsAtOnce() {
    return new ScriptedStream(null, (listener, stream) -> {});
  }

  private static void awaitEnd() {
    GoffThreads.awaitNone(FlagChangeStreamer.THREAD_NAME);
  }

  @Test
  void streamClosingAtOnceInALoop_backsOffExponentiallyToTheCap_noBusyLoop() {
    AtomicInteger connects = new AtomicInteger();
    started(() -> {
      connects.incrementAndGet();
      return endsAtOnce();
    });
    awaitEnd();

    // 10 simulated minutes: steps 1, 2, 4, 8, 16, 32 s, then 60 s (jitter 0.5: three quarters of each).
    assertThat(time.pauses).allSatisfy(delay -> assertThat(delay).isGreaterThanOrEqualTo(Duration.ofMillis(500)));
    assertThat(time.pauses).allSatisfy(delay -> assertThat(delay).isLessThanOrEqualTo(FlagChangeStreamer.MAX_DELAY));
    assertThat(time.pauses.subList(0, 7))
        .containsExactly(
            Duration.ofMillis(750),
            Duration.ofMillis(1500),
            Duration.ofMillis(3000),
            Duration.ofMillis(6000),
            Duration.ofMillis(12000),
            Duration.ofMillis(24000),
            Duration.ofMillis(45000));
    assertThat(connects.get()).as("connections in 10 simulated minutes").isBetween(10, 20);
  }

  @Test
  void relayRefusingConnections_backsOffTheSameWay() {
    AtomicInteger connects = new AtomicInteger();
    started(() -> {
      connects.incrementAndGet();
      return new ScriptedStream(new RelayUnreachableException("connection refused", null, false), null);
    });
    awaitEnd();

    assertThat(connects.get()).isBetween(10, 20);
    assertThat(signals.snapshot()).as("nothing to resync without a connection").isEmpty();
  }

  @Test
  void everyConnection_isFollowedByOneResync() {
    time.runFor = Duration.ofSeconds(5);
    AtomicInteger connects = new AtomicInteger();
    started(() -> {
      connects.incrementAndGet();
      return endsAtOnce();
    });
    awaitEnd();

    assertThat(connects.get()).isGreaterThan(1);
    assertThat(signals.snapshot()).hasSize(connects.get()).containsOnly("resync");
  }

  @Test
  void healthyConnection_resetsTheBackoff() {
    AtomicInteger connects = new AtomicInteger();
    started(() -> {
      int n = connects.incrementAndGet();
      if (n == 6) {
        return new ScriptedStream(null, (listener, stream) -> time.advance(FlagChangeStreamer.HEALTHY_AFTER));
      }
      return endsAtOnce();
    });
    awaitEnd();

    assertThat(time.pauses.get(4)).as("after 5 short connections").isEqualTo(Duration.ofMillis(12000));
    assertThat(time.pauses.get(5)).as("after one that lasted").isEqualTo(Duration.ofMillis(750));
    assertThat(time.pauses.get(6)).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void events_forwardedInOrder_afterTheResyncOfTheirConnection() {
    time.runFor = Duration.ofMillis(1);
    started(() -> new ScriptedStream(null, (listener, stream) -> {
      listener.changed(new FlagChangeEvent(List.of("a", "b")));
      listener.changed(new FlagChangeEvent(List.of("c")));
    }));
    awaitEnd();

    assertThat(signals.snapshot()).containsExactly("resync", "changed [a, b]", "changed [c]");
  }

  @Test
  void eventNamingNoFlag_notForwarded() {
    time.runFor = Duration.ofMillis(1);
    started(() -> new ScriptedStream(null, (listener, stream) -> listener.changed(new FlagChangeEvent(List.of()))));
    awaitEnd();

    assertThat(signals.snapshot()).containsExactly("resync");
  }

  @Test
  void malformedEvent_ignoredWithAResync_streamGoesOn() {
    time.runFor = Duration.ofMillis(1);
    started(() -> new ScriptedStream(null, (listener, stream) -> {
      listener.malformed("flag-change event: body is not valid JSON");
      listener.changed(new FlagChangeEvent(List.of("after")));
    }));
    awaitEnd();

    assertThat(signals.snapshot()).containsExactly("resync", "resync", "changed [after]");
  }

  @Test
  void signalThatThrows_doesNotEndTheConnection() {
    time.runFor = Duration.ofMillis(1);
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    ChangeSignals throwing =
        new ChangeSignals() {
          @Override
          public void flagsChanged(List<String> flagKeys) {
            delivered.addAll(flagKeys);
            throw new IllegalStateException("bug in a signal");
          }

          @Override
          public void resync() {}
        };
    FlagChangeStreamer streamer =
        new FlagChangeStreamer(
            () -> new ScriptedStream(null, (listener, stream) -> {
              listener.changed(new FlagChangeEvent(List.of("a")));
              listener.changed(new FlagChangeEvent(List.of("b")));
            }),
            throwing, time.nanos::get, () -> 0.5, time::pause);
    streamers.add(streamer);
    streamer.start();
    awaitEnd();

    assertThat(delivered).containsExactly("a", "b");
  }

  @Test
  void notFound_backsOffUpToTenMinutes_noResync() {
    time.runFor = Duration.ofHours(2);
    started(() -> new ScriptedStream(new RelayHttpException(404, null, null), null));
    awaitEnd();

    assertThat(time.pauses).last().isEqualTo(Duration.ofMillis(450_000));
    assertThat(time.pauses).allSatisfy(delay -> assertThat(delay).isLessThanOrEqualTo(FlagChangeStreamer.MAX_ANSWERED_DELAY));
    assertThat(signals.snapshot()).isEmpty();
  }

  @Test
  void refusedKey_oneResyncPerStreak_soThePollDecides_backsOffUpToTenMinutes() {
    time.runFor = Duration.ofHours(2);
    started(() -> new ScriptedStream(new RelayHttpException(401, null, null), null));
    awaitEnd();

    assertThat(signals.snapshot()).containsExactly("resync");
    assertThat(time.pauses).last().isEqualTo(Duration.ofMillis(450_000));
  }

  @Test
  void otherHttpError_backsOffUpToOneMinute() {
    started(() -> new ScriptedStream(new RelayHttpException(503, null, null), null));
    awaitEnd();

    assertThat(time.pauses).last().isEqualTo(Duration.ofMillis(45_000));
    assertThat(signals.snapshot()).isEmpty();
  }

  @Test
  void stop_whileTheStreamIsSilent_closesItAndTheThreadEnds() throws InterruptedException {
    CountDownLatch reading = new CountDownLatch(1);
    List<ScriptedStream> opened = Collections.synchronizedList(new ArrayList<>());
    FlagChangeStreamer streamer =
        started(() -> {
          ScriptedStream stream = new ScriptedStream(null, (listener, self) -> {
            reading.countDown();
            self.blockUntilClosed();
          });
          opened.add(stream);
          return stream;
        });
    assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();

    streamer.stop(Duration.ofSeconds(5));

    assertThat(GoffThreads.alive(FlagChangeStreamer.THREAD_NAME)).isEmpty();
    assertThat(opened).singleElement().satisfies(stream -> assertThat(stream.closed.getCount()).isZero());
  }

  @Test
  void stop_whileWaitingToReconnect_realPause_threadEndsAtOnce() {
    AtomicInteger connects = new AtomicInteger();
    FlagChangeStreamer streamer =
        new FlagChangeStreamer(() -> {
          connects.incrementAndGet();
          return endsAtOnce();
        }, signals);
    streamers.add(streamer);
    streamer.start();
    await().until(() -> connects.get() == 1 && GoffThreads.alive(FlagChangeStreamer.THREAD_NAME).size() == 1);

    streamer.stop(Duration.ofSeconds(5));

    assertThat(GoffThreads.alive(FlagChangeStreamer.THREAD_NAME)).isEmpty();
    assertThat(connects.get()).isEqualTo(1);
  }

  @Test
  void stop_beforeStart_isHarmless() {
    FlagChangeStreamer streamer = new FlagChangeStreamer(FlagChangeStreamerTest::endsAtOnce, signals);

    streamer.stop(Duration.ofMillis(10));
    streamer.stop(Duration.ofMillis(10));

    assertThat(GoffThreads.alive(FlagChangeStreamer.THREAD_NAME)).isEmpty();
  }
}
