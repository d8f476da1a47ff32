package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.internal.stream.FlagChangeStreamer;
import dev.flagrelay.testing.Answers;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import dev.flagrelay.testing.PushStream;
import dev.flagrelay.testing.RecordingRelayClient;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Change detection by the flag-change stream in the remote mode, through the SDK: what an event
 * invalidates and announces, the resync after each (re)connect, health, and the other modes.
 */
@ExtendWith(FastPolling.class)
class ProviderFlagChangeStreamTest {
  private static final EvaluationContext USER = new ImmutableContext("user-1");
  /** So long that only the stream (and its resyncs) can have caused a poll during a test. */
  private static final Duration SAFETY_NET = Duration.ofMinutes(10);

  private final RecordingRelayClient relay = new RecordingRelayClient();
  private final PushStream stream = new PushStream();
  /** The relay's per-flag hashes, as {@code GET /v1/flag/change} answers them. */
  private final Map<String, Long> hashes = new ConcurrentHashMap<>(Map.of("a", 1L, "b", 1L, "c", 1L));
  private final List<EventDetails> changes = new CopyOnWriteArrayList<>();
  private final List<ProviderEvent> events = new CopyOnWriteArrayList<>();
  private final List<OpenFeatureAPI> apis = new ArrayList<>();

  ProviderFlagChangeStreamTest() {
    relay.onFlagChanges(etag -> FlagChanges.of("\"" + hashes.hashCode() + "\"", Map.copyOf(hashes)));
    relay.onFlagChangeStream(stream);
    relay.onEvaluate((flagKey, context) -> Answers.cacheable("v-" + flagKey + "-" + hashes.get(flagKey), "v"));
  }

  @AfterEach
  void shutdownAndCheckForLeaks() {
    apis.forEach(OpenFeatureAPI::shutdown);
    GoffThreads.awaitNone("goff-");
  }

  private OpenFeatureAPI ready(UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) {
    GoFeatureFlagProviderOptions.Builder builder =
        GoFeatureFlagProviderOptions.builder()
            .endpoint("http://relay.test:1031")
            .timeout(Duration.ofSeconds(1))
            .flagChangePollingInterval(SAFETY_NET)
            .disableDataCollection(true);
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    apis.add(api);
    api.onProviderConfigurationChanged(changes::add);
    api.onProviderStale(details -> events.add(ProviderEvent.PROVIDER_STALE));
    api.onProviderError(details -> events.add(ProviderEvent.PROVIDER_ERROR));
    api.setProviderAndWait(new GoFeatureFlagProvider(options.apply(builder).build(), relay));
    return api;
  }

  private String value(OpenFeatureAPI api, String flag) {
    return api.getClient().getStringValue(flag, "default", USER);
  }

  private String reason(OpenFeatureAPI api, String flag) {
    return api.getClient().getStringDetails(flag, "default", USER).getReason();
  }

  /**
   * Waits for the resync poll that follows the stream's first connect to be over, so that a test's
   * change can only be seen through the stream (a resync that read the new hashes would announce
   * them itself).
   */
  private void awaitConnectedAndResynced() throws InterruptedException {
    assertThat(stream.awaitConnected(5)).isTrue();
    await("the resync poll after the connect").until(() -> relay.flagChangeCalls() >= 2);
    awaitNoMorePolls();
  }

  private void awaitNoMorePolls() {
    int polls = relay.flagChangeCalls();
    await().during(Duration.ofMillis(200)).until(() -> relay.flagChangeCalls() == polls);
  }

  private List<List<String>> announced() {
    return changes.stream().map(EventDetails::getFlagsChanged).toList();
  }

  @Test
  void event_invalidatesExactlyTheNamedFlags_emitsOneConfigurationChangedNamingThem() throws Exception {
    OpenFeatureAPI api = ready(UnaryOperator.identity());
    awaitConnectedAndResynced();
    value(api, "a");
    value(api, "b");
    int pollsBefore = relay.flagChangeCalls();

    hashes.put("a", 2L);
    stream.push("a");

    await().until(() -> !changes.isEmpty());
    assertThat(value(api, "a")).isEqualTo("v-a-2");
    assertThat(reason(api, "b")).as("flag b was not named").isEqualTo(Reason.CACHED.name());
    await("the poll that moves the baseline past the change").until(() -> relay.flagChangeCalls() > pollsBefore);
    await().during(Duration.ofMillis(100)).until(() -> changes.size() == 1);
    assertThat(announced()).containsExactly(List.of("a"));
  }

  @Test
  void eventNamingSeveralFlags_oneConfigurationChangedPerEvent() throws Exception {
    OpenFeatureAPI api = ready(UnaryOperator.identity());
    awaitConnectedAndResynced();

    hashes.put("a", 2L);
    hashes.put("b", 2L);
    stream.push("a", "b");
    await().until(() -> changes.size() >= 1);
    awaitNoMorePolls();
    // Changed only once the first event's baseline poll is over: a poll that reads a change before
    // its stream event is handled announces it too (documented; announced twice, never missed).
    hashes.put("c", 2L);
    stream.push("c");

    await().until(() -> changes.size() >= 2);
    awaitNoMorePolls();
    // The provider emits in stream order; the SDK runs handlers on a pool, so they may see either order.
    assertThat(announced()).containsExactlyInAnyOrder(List.of("a", "b"), List.of("c"));
    assertThat(value(api, "c")).isEqualTo("v-c-2");
  }

  @Test
  void everyConnect_resyncsOnce_changeMadeWhileDisconnectedIsPickedUp() throws Exception {
    OpenFeatureAPI api = ready(UnaryOperator.identity());
    assertThat(stream.awaitConnected(5)).isTrue();
    await("the resync after the first connect").until(() -> relay.flagChangeCalls() == 2);
    value(api, "c");

    stream.endConnection();
    hashes.put("c", 7L); // Changed while no stream is connected: no event will come for it.

    await("reconnect (back-off about 1 s) and its resync").atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
    assertThat(stream.connections()).isEqualTo(2);
    assertThat(announced()).containsExactly(List.of("c"));
    assertThat(value(api, "c")).isEqualTo("v-c-7");
  }

  @Test
  void malformedEvent_noConfigurationChanged_resyncFindsTheChange_streamGoesOn() throws Exception {
    OpenFeatureAPI api = ready(UnaryOperator.identity());
    assertThat(stream.awaitConnected(5)).isTrue();
    await().until(() -> relay.flagChangeCalls() == 2);

    hashes.put("b", 3L);
    stream.pushMalformed("flag-change event: body is not valid JSON");
    await("the resync a malformed event asks for").until(() -> !changes.isEmpty());
    stream.push("a");

    await().until(() -> changes.size() == 2);
    assertThat(announced()).containsExactly(List.of("b"), List.of("a"));
    assertThat(stream.connections()).isEqualTo(1);
    assertThat(value(api, "b")).isEqualTo("v-b-3");
  }

  @Test
  void brokenStreamAlone_whilePollsSucceed_notStale() {
    relay.onFlagChangeStream(() -> new dev.flagrelay.internal.relay.FlagChangeStream() {
      @Override
      public void connect() throws RelayUnreachableException {
        throw new RelayUnreachableException("connection refused", null, false);
      }

      @Override
      public void read(Listener listener) {}

      @Override
      public void close() {}
    });
    OpenFeatureAPI api = ready(options -> options.flagChangePollingInterval(Duration.ofMillis(20)));

    await().until(() -> relay.flagChangeCalls() > 3 * 5);

    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.READY);
    assertThat(events).doesNotContain(ProviderEvent.PROVIDER_STALE);
  }

  @Test
  void streamRefusesTheKey_theResyncPollDecides_providerErrorWhenPollsAreRefusedToo() {
    OpenFeatureAPI api = ready(options -> options);
    relay.onFlagChangeStream(() -> new dev.flagrelay.internal.relay.FlagChangeStream() {
      @Override
      public void connect() throws RelayHttpException {
        throw new RelayHttpException(401, null, null);
      }

      @Override
      public void read(Listener listener) {}

      @Override
      public void close() {}
    });
    relay.onFlagChanges(etag -> {
      throw new RelayHttpException(401, null, null);
    });

    stream.endConnection(); // The next connection is refused; its resync poll is refused too.

    await().atMost(Duration.ofSeconds(10)).until(() -> api.getClient().getProviderState() == ProviderState.ERROR);
    // The SDK sets the state before its event pool runs the handlers.
    await().until(() -> events.contains(ProviderEvent.PROVIDER_ERROR));
  }

  @Test
  void shutdown_whileTheStreamIsSilent_closesItAndLeavesNoThread() throws Exception {
    OpenFeatureAPI api = ready(UnaryOperator.identity());
    assertThat(stream.awaitConnected(5)).isTrue();
    assertThat(GoffThreads.alive(FlagChangeStreamer.THREAD_NAME)).hasSize(1);

    api.shutdown();

    assertThat(stream.closes()).isEqualTo(1);
    GoffThreads.awaitNone("goff-");
  }

  @Test
  void polling_opensNoStream() {
    OpenFeatureAPI api = ready(options -> options.flagChangeDetection(FlagChangeDetection.POLLING));
    value(api, "a");

    assertThat(GoffThreads.alive(FlagChangeStreamer.THREAD_NAME)).isEmpty();
    assertThat(stream.connections()).isZero();
  }

  @Test
  void none_opensNoStreamAndDoesNotPoll() {
    OpenFeatureAPI api = ready(options -> options.flagChangeDetection(FlagChangeDetection.NONE));
    value(api, "a");

    assertThat(GoffThreads.alive(FlagChangeStreamer.THREAD_NAME)).isEmpty();
    assertThat(GoffThreads.alive("goff-flag-poller")).isEmpty();
    assertThat(stream.connections()).isZero();
    assertThat(relay.flagChangeCalls()).as("the start-up baseline only").isEqualTo(1);
  }

  @Test
  void relayWithoutTheStream_changesStillArriveByPolling() {
    relay.onFlagChangeStream(() -> dev.flagrelay.internal.relay.FlagChangeStream.NOT_FOUND);
    OpenFeatureAPI api = ready(options -> options.flagChangePollingInterval(Duration.ofMillis(20)));
    value(api, "a");

    hashes.put("a", 5L);

    await().until(() -> !changes.isEmpty());
    assertThat(announced()).containsExactly(List.of("a"));
    assertThat(value(api, "a")).isEqualTo("v-a-5");
  }
}
