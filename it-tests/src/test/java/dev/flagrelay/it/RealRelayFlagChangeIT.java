package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.FlagChangeDetection;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Flag changes on a real relay proxy reach the application by polling alone: the relay re-reads
 * its flag file every second, the provider polls {@code GET /v1/flag/change} every 500 ms, emits
 * PROVIDER_CONFIGURATION_CHANGED naming exactly the changed flags, and stops serving the old
 * cached answer. Each test owns its relay, since it edits the flag file.
 */
@ExtendWith(LeakCheck.class)
class RealRelayFlagChangeIT {
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  /** Relay re-read (1 s) plus a poll (500 ms + jitter) with a wide margin. */
  private static final Duration CHANGE_DEADLINE = Duration.ofSeconds(15);

  private RelayProxy relay;
  private OpenFeatureAPI api;
  private RecordedEvents events;
  private Client client;

  @BeforeEach
  void start() throws IOException {
    relay = RelayProxy.serving(RelayProxy.conformanceFlags()).start();
    api = OpenFeatureAPI.createIsolated();
    events = RecordedEvents.attachTo(api);
    api.setProviderAndWait(
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint(relay.endpoint())
                .timeout(Duration.ofSeconds(2))
                .flagChangeDetection(FlagChangeDetection.POLLING) // The stream: RealRelayFlagChangeStreamIT.
                .flagChangePollingInterval(POLL_INTERVAL)
                .build()));
    client = api.getClient();
  }

  @AfterEach
  void stop() {
    try (RelayProxy owned = relay) {
      if (api != null) {
        api.shutdown();
      }
    }
  }

  /** Replaces {@code from} by {@code to} in the first flag named {@code flagKey} only. */
  private void editFlag(String flagKey, String from, String to) {
    relay.rewriteFlags(
        yaml -> {
          int flag = ("\n" + yaml).indexOf("\n" + flagKey + ":\n");
          assertThat(flag).as("flag %s in the flag file", flagKey).isNotNegative();
          int at = yaml.indexOf(from, flag);
          assertThat(at).as("'%s' in flag %s", from, flagKey).isPositive();
          return yaml.substring(0, at) + to + yaml.substring(at + from.length());
        });
  }

  private List<EventDetails> configurationChanges() {
    return events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED);
  }

  private void awaitConfigurationChange() {
    await("PROVIDER_CONFIGURATION_CHANGED after the flag file changed")
        .atMost(CHANGE_DEADLINE)
        .until(() -> !configurationChanges().isEmpty());
  }

  @Test
  void changedVariationValue_emitsConfigurationChangedForExactlyThatFlag() {
    editFlag("string_key", "\"True\": CC0000", "\"True\": CC9999");

    awaitConfigurationChange();

    assertThat(configurationChanges()).singleElement()
        .satisfies(details -> assertThat(details.getFlagsChanged()).containsExactly("string_key"));
  }

  @Test
  void changedVariationValue_nextEvaluationReturnsNewValueNotStaleCachedOne() {
    client.getStringDetails("string_key", "default", CanonicalContext.get());
    assertThat(client.getStringDetails("string_key", "default", CanonicalContext.get()).getReason())
        .as("second evaluation before the change")
        .isEqualTo("CACHED");

    editFlag("string_key", "\"True\": CC0000", "\"True\": CC9999");
    awaitConfigurationChange();

    FlagEvaluationDetails<String> after = client.getStringDetails("string_key", "default", CanonicalContext.get());
    assertThat(after.getValue()).isEqualTo("CC9999");
    assertThat(after.getReason()).isEqualTo("TARGETING_MATCH");
  }

  @Test
  void changedVariationValue_handlerEvaluatingOnTheEventSeesNewValue() {
    client.getStringDetails("string_key", "default", CanonicalContext.get());
    List<String> seenByHandler = new CopyOnWriteArrayList<>();
    api.onProviderConfigurationChanged(
        details -> seenByHandler.add(client.getStringValue("string_key", "default", CanonicalContext.get())));

    editFlag("string_key", "\"True\": CC0000", "\"True\": CC9999");

    await("the handler to evaluate").atMost(CHANGE_DEADLINE).until(() -> !seenByHandler.isEmpty());
    assertThat(seenByHandler).containsExactly("CC9999");
  }

  @Test
  void changedFlag_otherFlagsStayCached() {
    client.getIntegerDetails("integer_key", 1, CanonicalContext.get());

    editFlag("string_key", "\"True\": CC0000", "\"True\": CC9999");
    awaitConfigurationChange();

    assertThat(client.getIntegerDetails("integer_key", 1, CanonicalContext.get()).getReason()).isEqualTo("CACHED");
  }

  @Test
  void removedFlag_isNamedInConfigurationChangedAndThenNotFound() {
    client.getIntegerDetails("integer_key", 1, CanonicalContext.get());

    relay.rewriteFlags(yaml -> yaml.replace("\ninteger_key:\n", "\ninteger_key_renamed:\n"));
    awaitConfigurationChange();

    assertThat(configurationChanges().get(0).getFlagsChanged())
        .containsExactlyInAnyOrder("integer_key", "integer_key_renamed");
    FlagEvaluationDetails<Integer> after = client.getIntegerDetails("integer_key", 1, CanonicalContext.get());
    assertThat(after.getValue()).isEqualTo(1);
    assertThat(after.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }

  @Test
  void disabledFlag_nextEvaluationReturnsCallerDefaultWithReasonDisabled() {
    client.getBooleanDetails("bool_targeting_match", false, CanonicalContext.get());

    editFlag("bool_targeting_match", "  metadata:\n", "  disable: true\n  metadata:\n");
    awaitConfigurationChange();

    FlagEvaluationDetails<Boolean> after = client.getBooleanDetails("bool_targeting_match", false, CanonicalContext.get());
    assertThat(configurationChanges().get(0).getFlagsChanged()).containsExactly("bool_targeting_match");
    assertThat(after.getValue()).isFalse();
    assertThat(after.getReason()).isEqualTo("DISABLED");
  }

  @Test
  void flagFileRewrittenWithSameFlags_noConfigurationChanged() {
    relay.rewriteFlags(yaml -> "# rewritten by the test, same flags\n" + yaml);

    await("no PROVIDER_CONFIGURATION_CHANGED for a file with the same flags")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> configurationChanges().isEmpty());
  }

  @Test
  void relayDown_providerTurnsStale_thenReadyWhenRelayIsBack() {
    client.getStringDetails("string_key", "default", CanonicalContext.get());

    relay.stop();
    await("PROVIDER_STALE after three failed polls")
        .atMost(CHANGE_DEADLINE)
        .until(() -> client.getProviderState() == ProviderState.STALE);
    FlagEvaluationDetails<String> duringOutage = client.getStringDetails("string_key", "default", CanonicalContext.get());
    relay.start();
    await("PROVIDER_READY once the relay answers again")
        .atMost(CHANGE_DEADLINE)
        .until(() -> client.getProviderState() == ProviderState.READY);

    assertThat(duringOutage.getValue()).as("cached answer served during the outage").isEqualTo("CC0000");
    assertThat(events.types())
        .containsSubsequence(ProviderEvent.PROVIDER_READY, ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_READY);
    assertThat(configurationChanges()).as("a restart with the same flags is no change").isEmpty();
  }
}
