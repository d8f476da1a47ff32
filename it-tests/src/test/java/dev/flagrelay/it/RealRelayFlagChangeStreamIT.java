package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.EvaluationMode;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flag changes pushed by a real relay proxy (v1.55.2) over its event stream reach the
 * application. The safety-net poll is set to 10 minutes, so within a test only the stream (and
 * the resync poll it asks for after each connect) can have caused what is seen. The relay
 * re-reads its flag file every second ({@link RelayProxy}).
 */
@Timeout(120)
@ExtendWith(LeakCheck.class)
class RealRelayFlagChangeStreamIT {
  private static final Duration SAFETY_NET = Duration.ofMinutes(10);
  /** The relay's file re-read (1 s) plus the push, with a wide margin for a loaded machine. */
  private static final Duration CHANGE_DEADLINE = Duration.ofSeconds(15);
  private static final String CONNECTED = "flag-change stream connected";

  private RelayProxy relay;
  private OpenFeatureAPI api;
  private RecordedEvents events;
  private Client client;
  private LogCapture log;

  private void start(UnaryOperator<RelayProxy.Builder> relayOptions, String apiKey) throws IOException {
    start(relayOptions, apiKey, EvaluationMode.REMOTE);
  }

  private void start(UnaryOperator<RelayProxy.Builder> relayOptions, String apiKey, EvaluationMode mode)
      throws IOException {
    log = LogCapture.start();
    relay = relayOptions.apply(RelayProxy.serving(RelayProxy.conformanceFlags())).start();
    api = OpenFeatureAPI.createIsolated();
    events = RecordedEvents.attachTo(api);
    api.setProviderAndWait(
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint(relay.endpoint())
                .apiKey(apiKey)
                .evaluationMode(mode)
                .timeout(Duration.ofSeconds(2))
                .flagChangePollingInterval(SAFETY_NET)
                .build()));
    client = api.getClient();
    awaitConnections(1);
  }

  @AfterEach
  void stop() {
    try (RelayProxy owned = relay; LogCapture capture = log) {
      if (api != null) {
        api.shutdown();
      }
    }
  }

  private void awaitConnections(int count) {
    await("flag-change stream connection " + count)
        .atMost(CHANGE_DEADLINE)
        .until(() -> connections() >= count);
  }

  private int connections() {
    return log.text().split(CONNECTED, -1).length - 1;
  }

  private void editStringKey(String to) {
    relay.rewriteFlags(
        yaml -> {
          int flag = yaml.indexOf("\nstring_key:\n");
          int at = yaml.indexOf("\"True\": CC0000", flag);
          assertThat(at).as("string_key's True variation").isPositive();
          return yaml.substring(0, at) + "\"True\": " + to + yaml.substring(at + "\"True\": CC0000".length());
        });
  }

  private List<EventDetails> configurationChanges() {
    return events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED);
  }

  @Test
  void editedFlag_oneConfigurationChangedNamingIt_nextEvaluationServesTheNewValue() throws IOException {
    start(UnaryOperator.identity(), null);
    assertThat(client.getStringDetails("string_key", "default", CanonicalContext.get()).getValue()).isEqualTo("CC0000");
    assertThat(client.getStringDetails("string_key", "default", CanonicalContext.get()).getReason()).isEqualTo("CACHED");

    editStringKey("CC7777");

    await("PROVIDER_CONFIGURATION_CHANGED pushed by the relay").atMost(CHANGE_DEADLINE).until(() -> !configurationChanges().isEmpty());
    FlagEvaluationDetails<String> after = client.getStringDetails("string_key", "default", CanonicalContext.get());
    assertThat(after.getValue()).isEqualTo("CC7777");
    assertThat(after.getReason()).isEqualTo("TARGETING_MATCH");
    await("no second announcement (the follow-up poll moved the baseline)")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> configurationChanges().size() == 1);
    assertThat(configurationChanges().get(0).getFlagsChanged()).containsExactly("string_key");
  }

  @Test
  void relayRestarted_streamReconnects_changeMadeWhileDownPickedUpByTheResync() throws IOException {
    start(UnaryOperator.identity(), null);
    client.getStringDetails("string_key", "default", CanonicalContext.get());

    relay.stop();
    editStringKey("CC5555"); // No relay runs: no event will ever be sent for this change.
    relay.start();

    awaitConnections(2);
    await("the resync after the reconnect announces the change").atMost(CHANGE_DEADLINE)
        .until(() -> !configurationChanges().isEmpty());
    assertThat(configurationChanges()).singleElement()
        .satisfies(details -> assertThat(details.getFlagsChanged()).containsExactly("string_key"));
    assertThat(client.getStringValue("string_key", "default", CanonicalContext.get())).isEqualTo("CC5555");
    assertThat(events.types()).doesNotContain(ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_ERROR);
  }

  @Test
  void relayWithApiKey_streamAuthenticates_keyAppearsInNoLogLine() throws IOException {
    String key = "stream-it-k3y-" + Long.toHexString(System.nanoTime());
    start(options -> options.authorizedKeys(key), key);

    editStringKey("CC3333");

    await("PROVIDER_CONFIGURATION_CHANGED over the authenticated stream").atMost(CHANGE_DEADLINE)
        .until(() -> !configurationChanges().isEmpty());
    assertThat(client.getStringValue("string_key", "default", CanonicalContext.get())).isEqualTo("CC3333");
    api.shutdown();
    assertThat(log.text()).contains(CONNECTED).doesNotContain(key);
  }

  @Test
  void inProcess_editedFlag_refreshedAtOnce_oneConfigurationChangedNamingIt() throws IOException {
    start(UnaryOperator.identity(), null, EvaluationMode.IN_PROCESS);
    assertThat(client.getStringValue("string_key", "default", CanonicalContext.get())).isEqualTo("CC0000");

    editStringKey("CC6666");

    await("the refresh the relay's event triggers").atMost(CHANGE_DEADLINE).until(() -> !configurationChanges().isEmpty());
    assertThat(configurationChanges()).singleElement()
        .satisfies(details -> assertThat(details.getFlagsChanged()).containsExactly("string_key"));
    assertThat(client.getStringValue("string_key", "default", CanonicalContext.get())).isEqualTo("CC6666");
  }
}
