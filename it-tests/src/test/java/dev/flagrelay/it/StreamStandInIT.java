package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The flag-change stream against a raw-socket relay stand-in, for what the real relay will not do
 * on demand: a stream that stalls forever, a 404 stream endpoint, malformed event data, a stream
 * that closes at once in a loop.
 */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class StreamStandInIT {
  private static final ImmutableContext USER = new ImmutableContext("user-1");
  private static final String NO_STREAM_WARNING = "relay has no flag-change stream";

  private final SseRelayStandIn relay = new SseRelayStandIn();
  private final LogCapture log = LogCapture.start();
  private OpenFeatureAPI api;
  private RecordedEvents events;

  @AfterEach
  void stop() {
    try (LogCapture capture = log; SseRelayStandIn owned = relay) {
      if (api != null) {
        api.shutdown();
      }
    }
  }

  private Client start(Duration safetyNet) {
    api = OpenFeatureAPI.createIsolated();
    events = RecordedEvents.attachTo(api);
    api.setProviderAndWait(
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint(relay.endpoint())
                .apiKey("stand-in-k3y")
                .timeout(Duration.ofSeconds(2))
                .flagChangePollingInterval(safetyNet)
                .disableDataCollection(true)
                .build()));
    return api.getClient();
  }

  private List<EventDetails> changes() {
    return events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED);
  }

  @Test
  void streamStallingForever_safetyNetPollStillFollowsChanges_shutdownBoundedNoThreadLeft() {
    Client client = start(Duration.ofMillis(200));
    relay.stream(out -> {
      SseRelayStandIn.eventStreamHead(out);
      relay.stallUntilClosed();
    });
    await().until(() -> relay.streamRequests().size() == 1);
    client.getStringValue("a", "default", USER);

    relay.hashes.put("a", 2L);

    await("the safety-net poll").atMost(Duration.ofSeconds(10)).until(() -> !changes().isEmpty());
    assertThat(changes().get(0).getFlagsChanged()).containsExactly("a");
    assertThat(client.getStringValue("a", "default", USER)).isEqualTo("v-a-2");
    assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);

    api.shutdown(); // LeakCheck then proves no goff-* or OkHttp thread is left (within its 5 s grace).
    assertThat(relay.streamRequests()).hasSize(1);
  }

  @Test
  void streamEndpointNotFound_fallsBackToPolling_saidOnceInTheLog() {
    relay.stream(out -> SseRelayStandIn.respond(out, 404, "text/plain", "404 page not found", ""));
    Client client = start(Duration.ofMillis(200));
    client.getStringValue("b", "default", USER);
    await("the stream tried twice").atMost(Duration.ofSeconds(10)).until(() -> relay.streamRequests().size() >= 2);

    relay.hashes.put("b", 3L);

    await().atMost(Duration.ofSeconds(10)).until(() -> !changes().isEmpty());
    assertThat(client.getStringValue("b", "default", USER)).isEqualTo("v-b-3");
    assertThat(log.text().split(NO_STREAM_WARNING, -1)).as("warnings about the missing stream").hasSize(2);
  }

  @Test
  void malformedEventData_loggedWithoutSecretsAndIgnored_streamGoesOn() throws InterruptedException {
    BlockingQueue<String> toSend = new LinkedBlockingQueue<>();
    relay.stream(out -> {
      SseRelayStandIn.eventStreamHead(out);
      while (true) {
        String next = toSend.poll(50, TimeUnit.MILLISECONDS);
        if (next != null) {
          SseRelayStandIn.write(out, next);
        }
      }
    });
    Client client = start(Duration.ofMinutes(10));
    await().until(() -> relay.streamRequests().size() == 1);
    await("the resync after connecting").until(() -> relay.flagChangeRequests() >= 2);
    client.getStringValue("a", "default", USER);

    int polls = relay.flagChangeRequests();
    toSend.add("data: {\"updated\": not json stand-in-k3y\n\n");
    toSend.add("data: [\"a\"]\n\n");
    await("the resync polls malformed events ask for").until(() -> relay.flagChangeRequests() > polls);
    assertThat(changes()).as("nothing changed yet").isEmpty();
    relay.hashes.put("a", 4L);
    toSend.add("id:\ndata: {\"updated\":{\"a\":{\"old_value\":{},\"new_value\":{}}}}\n\n");

    await().atMost(Duration.ofSeconds(10)).until(() -> !changes().isEmpty());
    assertThat(changes()).singleElement().satisfies(details -> assertThat(details.getFlagsChanged()).containsExactly("a"));
    assertThat(client.getStringValue("a", "default", USER)).isEqualTo("v-a-4");
    assertThat(relay.streamRequests()).as("one connection throughout").hasSize(1);
    assertThat(log.text()).contains("flag-change event ignored").doesNotContain("stand-in-k3y");
  }

  @Test
  void streamClosingAtOnceInALoop_backsOff_noBusyLoop() {
    relay.stream(SseRelayStandIn::eventStreamHead); // 200, then the connection closes.
    start(Duration.ofMinutes(10));
    await().until(() -> relay.streamRequests().size() >= 2);

    // Waits between connections are at least 0.5 s, 1 s, 2 s, 4 s (half of each step, the least
    // jitter): however fast or slow this machine, 4 s can hold at most 5 connections.
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> relay.streamRequests().size() <= 6);
    assertThat(relay.streamRequests().size()).isLessThanOrEqualTo(6);
    assertThat(relay.flagChangeRequests())
        .as("the start-up poll and one resync poll per connection, no more")
        .isLessThanOrEqualTo(1 + relay.streamRequests().size());
    assertThat(events.types()).doesNotContain(ProviderEvent.PROVIDER_STALE);
  }
}
