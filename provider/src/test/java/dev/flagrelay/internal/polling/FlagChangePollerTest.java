package dev.flagrelay.internal.polling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.internal.cache.CacheKey;
import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.cache.SingleFlight;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.testing.Answers;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import dev.flagrelay.testing.RecordingRelayClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GOFF-EVT-002..006: change detection by per-flag hashes (or the top-level hash of relays before
 * v1.37.0), stale after 3 failures, every failure (404 and refused key included) retried.
 */
@ExtendWith(FastPolling.class)
class FlagChangePollerTest {
  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final Map<String, Long> BASELINE = Map.of("a", 1L, "b", 2L, "c", 3L, "e", 5L);

  private final RecordingRelayClient relay = new RecordingRelayClient();
  private final EvaluationCache cache = new EvaluationCache(100, Duration.ofMinutes(1), Duration.ZERO, System::nanoTime);
  private final RecordingListener listener = new RecordingListener();
  private final Script script = new Script();
  private final List<FlagChangePoller> pollers = new ArrayList<>();

  @AfterEach
  void stopAndCheckForLeaks() {
    pollers.forEach(poller -> poller.stop(Duration.ofSeconds(1)));
    GoffThreads.awaitNone(FlagChangePoller.THREAD_NAME);
  }

  /** Answers of {@code GET /v1/flag/change} in order; the last one repeats forever. */
  private static final class Script implements RecordingRelayClient.OnFlagChanges {
    private final Deque<RecordingRelayClient.OnFlagChanges> steps = new ArrayDeque<>();

    synchronized Script then(RecordingRelayClient.OnFlagChanges step) {
      steps.addLast(step);
      return this;
    }

    Script thenAnswer(FlagChanges changes) {
      return then(etag -> changes);
    }

    Script thenFail(RelayException failure) {
      return then(
          etag -> {
            throw failure;
          });
    }

    @Override
    public FlagChanges flagChanges(String etag) throws RelayException {
      RecordingRelayClient.OnFlagChanges step;
      synchronized (this) {
        step = steps.size() > 1 ? steps.removeFirst() : steps.peekFirst();
      }
      return step.flagChanges(etag);
    }
  }

  /** Records what the poller tells the provider, in order. */
  private static class RecordingListener implements FlagChangePoller.Listener {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<List<String>> changes = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void flagsChanged(List<String> flagKeys) {
      changes.add(List.copyOf(flagKeys));
      calls.add("flagsChanged");
    }

    @Override
    public void stale(String message) {
      calls.add("stale");
    }

    @Override
    public void recovered() {
      calls.add("recovered");
    }

    @Override
    public void allFlagsChanged() {
      calls.add("allFlagsChanged");
    }

    @Override
    public void refused(String message) {
      calls.add("refused");
    }

    long count(String call) {
      synchronized (calls) {
        return calls.stream().filter(call::equals).count();
      }
    }

    List<String> snapshot() {
      synchronized (calls) {
        return List.copyOf(calls);
      }
    }
  }

  private FlagChangePoller poller() {
    relay.onFlagChanges(script);
    FlagChangePoller poller = new FlagChangePoller(relay, cache, INTERVAL, listener);
    pollers.add(poller);
    return poller;
  }

  private FlagChangePoller started() throws RelayException {
    FlagChangePoller poller = poller();
    poller.initialPoll();
    poller.start();
    return poller;
  }

  private void awaitCalls(int calls) {
    await().until(() -> relay.flagChangeCalls() >= calls);
  }

  /** Waits a few intervals and checks that no poll happened meanwhile. */
  private void assertPollingStopped() {
    int calls = relay.flagChangeCalls();
    await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(1)).until(() -> relay.flagChangeCalls() == calls);
  }

  private static RelayUnreachableException unreachable() {
    return new RelayUnreachableException("connection refused", null, false);
  }

  private static CacheKey key(String flag) {
    return new CacheKey(flag, ContextSnapshot.ofAttributes(Map.of("targetingKey", "u1")));
  }

  @Test
  void initialPoll_readsTheBaselineWithoutEtag() throws RelayException {
    script.thenAnswer(FlagChanges.of("\"1-a\"", BASELINE));

    assertThat(poller().initialPoll()).isEqualTo(FlagChangePoller.Start.POLLING);
    assertThat(relay.flagChangeEtags()).containsExactly((String) null);
  }

  @Test
  void baselineThenNotModified_noChangeEvent() throws RelayException {
    script.thenAnswer(FlagChanges.of("\"1-a\"", BASELINE)).thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    awaitCalls(5);

    assertThat(listener.changes).isEmpty();
  }

  @Test
  void etag_echoedVerbatimOnEveryPoll() throws RelayException {
    script
        .thenAnswer(FlagChanges.of("\"44-9f1c\"", BASELINE))
        .thenAnswer(FlagChanges.NOT_MODIFIED)
        .thenAnswer(FlagChanges.of("\"45-0a2d\"", Map.of("a", 9L)))
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    awaitCalls(5);

    assertThat(relay.flagChangeEtags().subList(0, 5))
        .containsExactly(null, "\"44-9f1c\"", "\"44-9f1c\"", "\"45-0a2d\"", "\"45-0a2d\"");
  }

  @Test
  void changedHashes_flagsChangedListsExactlyChangedAddedRemovedSorted() throws RelayException {
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenAnswer(FlagChanges.of("\"2-b\"", Map.of("e", 5L, "d", 4L, "b", 20L, "a", 1L)))
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    await().until(() -> !listener.changes.isEmpty());

    assertThat(listener.changes.get(0)).containsExactly("b", "c", "d");
  }

  @Test
  void changedHashes_reportedOnce() throws RelayException {
    Map<String, Long> changed = Map.of("a", 1L, "b", 20L, "c", 3L, "e", 5L);
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenAnswer(FlagChanges.of("\"2-b\"", changed))
        .thenAnswer(FlagChanges.of("\"2-b\"", changed));
    started();

    awaitCalls(6);

    assertThat(listener.changes).containsExactly(List.of("b"));
  }

  @Test
  void sameHashesUnderANewEtag_noChangeEvent() throws RelayException {
    script.thenAnswer(FlagChanges.of("\"1-a\"", BASELINE)).thenAnswer(FlagChanges.of("\"3-c\"", BASELINE));
    started();

    awaitCalls(5);

    assertThat(listener.changes).isEmpty();
  }

  @Test
  void changedHashes_cacheLosesExactlyThoseFlagsBeforeTheListenerHears() throws RelayException {
    SingleFlight loader = new SingleFlight(cache, Duration.ofSeconds(1));
    for (String flag : List.of("a", "b", "c", "d", "e")) {
      loader.load(key(flag), () -> Answers.cacheable(true, "on"));
    }
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenAnswer(FlagChanges.of("\"2-b\"", Map.of("a", 1L, "b", 20L, "d", 4L, "e", 5L)))
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    await().until(() -> !listener.changes.isEmpty());

    assertThat(cache.get(key("b"))).isNull();
    assertThat(cache.get(key("c"))).isNull();
    assertThat(cache.get(key("d"))).isNull();
    assertThat(cache.get(key("a"))).isNotNull();
    assertThat(cache.get(key("e"))).isNotNull();
  }

  @Test
  void threeFailuresInARow_staleReportedOnce() throws RelayException {
    script.thenAnswer(FlagChanges.of("\"1-a\"", BASELINE)).thenFail(unreachable());
    started();

    awaitCalls(8);

    assertThat(listener.count("stale")).isEqualTo(1);
  }

  @Test
  void twoFailuresInARow_notStale() throws RelayException {
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenFail(unreachable())
        .thenFail(new RelayHttpException(503, null, null))
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    awaitCalls(6);

    assertThat(listener.count("stale")).isZero();
  }

  @Test
  void successAfterStale_recovered() throws RelayException {
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenFail(unreachable())
        .thenFail(unreachable())
        .thenFail(unreachable())
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    await().until(() -> recoveredAfterStale(listener.snapshot()));

    assertThat(listener.count("stale")).isEqualTo(1);
  }

  private static boolean recoveredAfterStale(List<String> calls) {
    int stale = calls.indexOf("stale");
    return stale >= 0 && calls.lastIndexOf("recovered") > stale;
  }

  @Test
  void secondOutage_staleAgain() throws RelayException {
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenFail(unreachable())
        .thenFail(unreachable())
        .thenFail(unreachable())
        .thenAnswer(FlagChanges.NOT_MODIFIED)
        .thenFail(unreachable());
    started();

    await().until(() -> listener.count("stale") == 2);
  }

  /** Regression: a 401 on a later poll stopped polling and turned the provider FATAL for good. */
  @Test
  void refusedKeyAfterStart_reportedOnceAndPollingGoesOn_thenRecoveredWhenAccepted() throws RelayException {
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenFail(new RelayHttpException(401, null, "Unauthorized"))
        .thenFail(new RelayHttpException(401, null, "Unauthorized"))
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    await().until(() -> listener.snapshot().contains("recovered"));

    assertThat(listener.snapshot()).containsSubsequence("refused", "recovered");
    assertThat(listener.count("refused")).isEqualTo(1);
    assertThat(listener.count("stale")).isZero();
  }

  @Test
  void forbiddenAfterStart_reportedAsRefusedAndPollingGoesOn() throws RelayException {
    script.thenAnswer(FlagChanges.of("\"1-a\"", BASELINE)).thenFail(new RelayHttpException(403, null, null));
    started();

    await().until(() -> listener.count("refused") == 1);
    awaitCalls(relay.flagChangeCalls() + 2);
  }

  @Test
  void refusedPolls_backOffDoublingUpToTheCap() {
    Duration interval = Duration.ofSeconds(30);

    assertThat(FlagChangePoller.delayAfterRefusals(interval, 0)).isEqualTo(interval);
    assertThat(FlagChangePoller.delayAfterRefusals(interval, 1)).isEqualTo(Duration.ofSeconds(60));
    assertThat(FlagChangePoller.delayAfterRefusals(interval, 2)).isEqualTo(Duration.ofSeconds(120));
    assertThat(FlagChangePoller.delayAfterRefusals(interval, 5)).isEqualTo(FlagChangePoller.MAX_REFUSED_BACKOFF);
    assertThat(FlagChangePoller.delayAfterRefusals(interval, 500)).isEqualTo(FlagChangePoller.MAX_REFUSED_BACKOFF);
    assertThat(FlagChangePoller.delayAfterRefusals(Duration.ofHours(1), 3)).isEqualTo(Duration.ofHours(1));
  }

  /** Regression: one 404 (a gateway blip, a deploy) turned change detection off for good. */
  @Test
  void notFoundAfterStart_countsAsAFailedPoll_staleThenRecovered() throws RelayException {
    RelayHttpException notFound = new RelayHttpException(404, null, "Not Found");
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenFail(notFound)
        .thenFail(notFound)
        .thenFail(notFound)
        .thenAnswer(FlagChanges.of("\"2-b\"", Map.of("a", 1L, "b", 20L, "c", 3L, "e", 5L)))
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    await().until(() -> !listener.changes.isEmpty());

    assertThat(listener.snapshot()).containsSubsequence("stale", "recovered", "flagsChanged");
    assertThat(listener.changes).containsExactly(List.of("b"));
  }

  @Test
  void initialPoll_noChangeEndpointButOfrepAnswers_unsupported() throws RelayException {
    script.thenFail(new RelayHttpException(404, null, "Not Found"));
    relay.onEvaluate(
        (flagKey, context) -> {
          throw new RelayHttpException(404, "FLAG_NOT_FOUND", "flag " + flagKey + " not found");
        });

    assertThat(poller().initialPoll()).isEqualTo(FlagChangePoller.Start.UNSUPPORTED);
    assertThat(relay.evaluatedFlags()).containsExactly(FlagChangePoller.PROBE_FLAG_KEY);
  }

  @Test
  void initialPoll_noChangeEndpointAndProbeFlagExists_unsupported() throws RelayException {
    script.thenFail(new RelayHttpException(404, null, "Not Found"));
    relay.onEvaluate((flagKey, context) -> Answers.notCacheable(true, "on"));

    assertThat(poller().initialPoll()).isEqualTo(FlagChangePoller.Start.UNSUPPORTED);
  }

  @Test
  void initialPoll_everyRouteNotFound_failsSayingNotARelayProxy() {
    script.thenFail(new RelayHttpException(404, null, "Not Found"));
    relay.onEvaluate(
        (flagKey, context) -> {
          throw new RelayHttpException(404, null, "Not Found");
        });

    assertThatThrownBy(() -> poller().initialPoll())
        .isInstanceOf(RelayException.class)
        .hasMessageContaining("does not look like a GO Feature Flag relay proxy");
  }

  @Test
  void initialPoll_noChangeEndpointAndProbeRefused_refusalThrown() {
    script.thenFail(new RelayHttpException(404, null, "Not Found"));
    relay.onEvaluate(
        (flagKey, context) -> {
          throw new RelayHttpException(401, null, "Unauthorized");
        });

    assertThatThrownBy(() -> poller().initialPoll())
        .isInstanceOfSatisfying(RelayHttpException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void failedStart_thenRelayWithoutChangeEndpoint_recoveredAndPollingStops() {
    script.thenFail(unreachable()).thenFail(new RelayHttpException(404, null, "Not Found"));
    FlagChangePoller poller = poller();
    assertThatThrownBy(poller::initialPoll).isInstanceOf(RelayUnreachableException.class);

    poller.start();

    await().until(() -> listener.count("recovered") == 1);
    assertPollingStopped();
  }

  @Test
  void failedStart_thenEveryRouteNotFound_keepsTrying() {
    script.thenFail(unreachable()).thenFail(new RelayHttpException(404, null, "Not Found"));
    relay.onEvaluate(
        (flagKey, context) -> {
          throw new RelayHttpException(404, null, "Not Found");
        });
    FlagChangePoller poller = poller();
    assertThatThrownBy(poller::initialPoll).isInstanceOf(RelayUnreachableException.class);

    poller.start();

    awaitCalls(5);
    assertThat(listener.count("recovered")).isZero();
  }

  // Relays before v1.37.0 send only a top-level hash.

  @Test
  void hashOnlyRelay_hashChanged_everythingInvalidatedAndAllFlagsChanged() throws RelayException {
    SingleFlight loader = new SingleFlight(cache, Duration.ofSeconds(1));
    for (String flag : List.of("a", "b")) {
      loader.load(key(flag), () -> Answers.cacheable(true, "on"));
    }
    script
        .thenAnswer(FlagChanges.hashOnly("\"1-a\"", 1L))
        .thenAnswer(FlagChanges.hashOnly("\"2-b\"", 2L))
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    started();

    await().until(() -> listener.count("allFlagsChanged") == 1);

    assertThat(cache.get(key("a"))).isNull();
    assertThat(cache.get(key("b"))).isNull();
    assertThat(listener.changes).isEmpty();
  }

  @Test
  void hashOnlyRelay_sameHashUnderANewEtag_noChange() throws RelayException {
    script.thenAnswer(FlagChanges.hashOnly("\"1-a\"", 1L)).thenAnswer(FlagChanges.hashOnly("\"2-b\"", 1L));
    started();

    awaitCalls(5);

    assertThat(listener.count("allFlagsChanged")).isZero();
  }

  @Test
  void initialPoll_unauthorized_thrown() {
    script.thenFail(new RelayHttpException(401, null, null));

    assertThatThrownBy(() -> poller().initialPoll())
        .isInstanceOfSatisfying(RelayHttpException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void initialPoll_unreachable_thrown() {
    script.thenFail(unreachable());

    assertThatThrownBy(() -> poller().initialPoll()).isInstanceOf(RelayUnreachableException.class);
  }

  @Test
  void failedStart_firstSuccessIsTheBaselineNotAChange() {
    script
        .thenFail(unreachable())
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .thenAnswer(FlagChanges.NOT_MODIFIED);
    FlagChangePoller poller = poller();
    assertThatThrownBy(poller::initialPoll).isInstanceOf(RelayUnreachableException.class);

    poller.start();

    await().until(() -> listener.count("recovered") >= 2);
    assertThat(listener.changes).isEmpty();
  }

  @Test
  void runtimeExceptionFromTheRelay_scheduleGoesOn() throws RelayException {
    script
        .thenAnswer(FlagChanges.of("\"1-a\"", BASELINE))
        .then(
            etag -> {
              throw new IllegalStateException("bug in the transport");
            })
        .thenAnswer(FlagChanges.of("\"2-b\"", Map.of("a", 1L)));
    started();

    await().until(() -> !listener.changes.isEmpty());
  }

  @Test
  void listenerThrows_scheduleGoesOn() throws RelayException {
    relay.onFlagChanges(script);
    FlagChangePoller poller =
        new FlagChangePoller(
            relay,
            cache,
            INTERVAL,
            new RecordingListener() {
              @Override
              public void recovered() {
                throw new IllegalStateException("handler bug");
              }
            });
    pollers.add(poller);
    script.thenAnswer(FlagChanges.of("\"1-a\"", BASELINE)).thenAnswer(FlagChanges.NOT_MODIFIED);
    poller.initialPoll();
    poller.start();

    awaitCalls(4);
  }

  @Test
  void stop_leavesNoPollerThread() throws RelayException {
    script.thenAnswer(FlagChanges.of("\"1-a\"", BASELINE)).thenAnswer(FlagChanges.NOT_MODIFIED);
    FlagChangePoller poller = started();
    awaitCalls(2);

    poller.stop(Duration.ofSeconds(1));

    GoffThreads.awaitNone(FlagChangePoller.THREAD_NAME);
    assertPollingStopped();
  }

  @Test
  void stop_twice_isHarmless() throws RelayException {
    script.thenAnswer(FlagChanges.of("\"1-a\"", BASELINE));
    FlagChangePoller poller = started();

    poller.stop(Duration.ofSeconds(1));
    poller.stop(Duration.ofSeconds(1));

    GoffThreads.awaitNone(FlagChangePoller.THREAD_NAME);
  }

  @Test
  void diff_sortedUnionOfChangedAddedRemoved() {
    assertThat(FlagChangePoller.diff(Map.of("z", 1L, "b", 2L, "k", 3L), Map.of("z", 1L, "b", 3L, "a", 4L)))
        .containsExactly("a", "b", "k");
  }
}
