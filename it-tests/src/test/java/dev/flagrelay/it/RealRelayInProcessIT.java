package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.EvaluationMode;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-process mode against the real relay proxy (issue 13): the configuration follows the flag
 * file, outages are survived with the last configuration, and local answers equal the relay's.
 * Each test owns its relay, since it edits the flag file or stops the relay.
 */
@ExtendWith(LeakCheck.class)
class RealRelayInProcessIT {
  private static final Duration REFRESH_INTERVAL = Duration.ofMillis(500);
  /** Relay re-read (1 s) plus a refresh (500 ms + jitter) with a wide margin. */
  private static final Duration CHANGE_DEADLINE = Duration.ofSeconds(15);

  private RelayProxy relay;
  private final List<OpenFeatureAPI> apis = new ArrayList<>();
  private RecordedEvents events;

  @AfterEach
  void stop() {
    try (RelayProxy owned = relay) {
      apis.forEach(OpenFeatureAPI::shutdown);
    }
  }

  private void startRelay() throws IOException {
    relay = RelayProxy.serving(RelayProxy.conformanceFlags()).enrichment("environment", "integration-test").start();
  }

  private Client client(EvaluationMode mode) {
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    apis.add(api);
    if (mode == EvaluationMode.IN_PROCESS) {
      events = RecordedEvents.attachTo(api);
    }
    GoFeatureFlagProviderOptions.Builder options =
        GoFeatureFlagProviderOptions.builder()
            .endpoint(relay.endpoint())
            .evaluationMode(mode)
            .timeout(Duration.ofSeconds(2))
            .flagChangePollingInterval(REFRESH_INTERVAL);
    if (mode == EvaluationMode.REMOTE) {
      options.cacheEnabled(false); // Compare the relay's own reasons, never CACHED.
    }
    api.setProviderAndWait(new GoFeatureFlagProvider(options.build()));
    return api.getClient();
  }

  private List<EventDetails> configurationChanges() {
    return events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED);
  }

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

  @Test
  void flagFileEdited_newValueServedAndOneConfigurationChangedNamingTheFlag() throws IOException {
    startRelay();
    Client client = client(EvaluationMode.IN_PROCESS);
    assertThat(client.getStringValue("string_key", "default", CanonicalContext.get())).isEqualTo("CC0000");

    editFlag("string_key", "\"True\": CC0000", "\"True\": CC9999");

    await().atMost(CHANGE_DEADLINE).until(() -> !configurationChanges().isEmpty());
    assertThat(client.getStringValue("string_key", "default", CanonicalContext.get())).isEqualTo("CC9999");
    // A few more refreshes (304s, the relay's re-reads): still exactly one event.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> configurationChanges().size() == 1);
    assertThat(configurationChanges().get(0).getFlagsChanged()).containsExactly("string_key");
  }

  @Test
  void relayStopped_lastConfigurationServedStaleThenReadyWhenBack() throws IOException {
    startRelay();
    Client client = client(EvaluationMode.IN_PROCESS);

    relay.stop();
    await("PROVIDER_STALE after three failed refreshes")
        .atMost(CHANGE_DEADLINE)
        .until(() -> client.getProviderState() == ProviderState.STALE);
    FlagEvaluationDetails<String> duringOutage = client.getStringDetails("string_key", "default", CanonicalContext.get());
    relay.start();
    await("PROVIDER_READY once the relay answers again")
        .atMost(CHANGE_DEADLINE)
        .until(() -> client.getProviderState() == ProviderState.READY);

    assertThat(duringOutage.getValue()).isEqualTo("CC0000");
    assertThat(duringOutage.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(events.types())
        .containsSubsequence(ProviderEvent.PROVIDER_READY, ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_READY);
    assertThat(configurationChanges()).as("a restart with the same flags is no change").isEmpty();
  }

  @Test
  void relayRestartedWithAnotherFile_theNewConfigurationWins() throws IOException {
    startRelay();
    Client client = client(EvaluationMode.IN_PROCESS);

    relay.stop();
    // Three flags of the file have this variation value: all three change.
    relay.rewriteFlags(yaml -> yaml.replace("\"True\": CC0000", "\"True\": CC7777"));
    relay.start();

    await().atMost(CHANGE_DEADLINE)
        .until(() -> "CC7777".equals(client.getStringValue("string_key", "default", CanonicalContext.get())));
    await().atMost(CHANGE_DEADLINE).until(() -> !configurationChanges().isEmpty());
    assertThat(configurationChanges().get(0).getFlagsChanged())
        .containsExactly("disabled_string", "string_key", "string_key_with_version");
  }

  /** Every flag of the canonical file, read as every type, for several contexts: same answer both ways. */
  @Test
  void inProcessAndRemote_agreeFlagByFlag() throws IOException {
    startRelay();
    Client local = client(EvaluationMode.IN_PROCESS);
    Client remote = client(EvaluationMode.REMOTE);
    Map<String, EvaluationContext> contexts = new LinkedHashMap<>();
    contexts.put("canonical", CanonicalContext.get());
    contexts.put("other key", CanonicalContext.withTargetingKey("another-user"));
    contexts.put("no targeting key", CanonicalContext.withoutTargetingKey());
    contexts.put("empty", new ImmutableContext());
    contexts.put("semver", new ImmutableContext("u2", Map.of("version", new Value("10.0.0"))));
    contexts.put("other email", new ImmutableContext("u3", Map.of("email", new Value("jane@example.org"), "age", new Value(31.0))));

    List<String> compared = new ArrayList<>();
    List<String> disagreements = new ArrayList<>();
    for (String flag : flagKeys()) {
      for (Map.Entry<String, EvaluationContext> context : contexts.entrySet()) {
        for (Kind kind : Kind.values()) {
          String mine = kind.describe(local, flag, context.getValue());
          String theirs = kind.describe(remote, flag, context.getValue());
          compared.add(flag);
          if (!mine.equals(theirs)) {
            disagreements.add(flag + " as " + kind + " for " + context.getKey() + ":\n  in-process " + mine + "\n  remote     " + theirs);
          }
        }
      }
    }
    assertThat(compared).hasSizeGreaterThan(300);
    assertThat(disagreements).isEmpty();
  }

  /**
   * A flag whose metadata has an empty YAML value (null): the relay answers it, and so does the
   * in-process mode, with the same metadata (the null dropped). It used to fail every in-process
   * evaluation of the flag.
   */
  @Test
  void nullMetadataValue_bothModesAnswerAlike() throws IOException {
    Path flags = Files.createTempFile("null-metadata", ".yaml");
    try {
      Files.writeString(
          flags,
          String.join(
              "\n",
              "null-metadata-flag:",
              "  variations:",
              "    enabled: true",
              "    disabled: false",
              "  defaultRule:",
              "    variation: enabled",
              "  metadata:",
              "    description:",
              "    pr_link: https://example.org/pr/1",
              ""));
      relay = RelayProxy.serving(flags).start();
    } finally {
      Files.delete(flags);
    }
    Client local = client(EvaluationMode.IN_PROCESS);
    Client remote = client(EvaluationMode.REMOTE);
    EvaluationContext context = CanonicalContext.get();

    FlagEvaluationDetails<Boolean> mine = local.getBooleanDetails("null-metadata-flag", false, context);

    assertThat(mine.getErrorCode()).isNull();
    assertThat(mine.getValue()).isTrue();
    assertThat(mine.getFlagMetadata().getString("pr_link")).isEqualTo("https://example.org/pr/1");
    for (Kind kind : Kind.values()) {
      assertThat(kind.describe(local, "null-metadata-flag", context))
          .as(kind.name())
          .isEqualTo(kind.describe(remote, "null-metadata-flag", context));
    }
  }

  private static List<String> flagKeys() throws IOException {
    String yaml = Files.readString(RelayProxy.conformanceFlags());
    Matcher key = Pattern.compile("(?m)^([A-Za-z0-9_-]+):$").matcher(yaml);
    List<String> keys = new ArrayList<>();
    while (key.find()) {
      keys.add(key.group(1));
    }
    keys.add("flag-that-does-not-exist");
    return keys;
  }

  /** One way of reading a flag, described as value, variant, reason, error code and metadata. */
  private enum Kind {
    BOOLEAN((client, args) -> client.getBooleanDetails(args.flag, false, args.context)),
    STRING((client, args) -> client.getStringDetails(args.flag, "dflt", args.context)),
    INTEGER((client, args) -> client.getIntegerDetails(args.flag, -1, args.context)),
    DOUBLE((client, args) -> client.getDoubleDetails(args.flag, -1.5, args.context)),
    OBJECT((client, args) -> client.getObjectDetails(args.flag, new Value("dflt"), args.context));

    private final BiFunction<Client, Args, FlagEvaluationDetails<?>> read;

    Kind(BiFunction<Client, Args, FlagEvaluationDetails<?>> read) {
      this.read = read;
    }

    String describe(Client client, String flag, EvaluationContext context) {
      FlagEvaluationDetails<?> details = read.apply(client, new Args(flag, context));
      return "value="
          + details.getValue()
          + " variant="
          + details.getVariant()
          + " reason="
          + details.getReason()
          + " error="
          + details.getErrorCode()
          + " metadata="
          + metadata(details);
    }

    private static String metadata(FlagEvaluationDetails<?> details) {
      var metadata = details.getFlagMetadata();
      return "{description="
          + metadata.getString("description")
          + ", pr_link="
          + metadata.getString("pr_link")
          + ", cacheable="
          + metadata.getBoolean("gofeatureflag_cacheable")
          + ", evaluatedRuleName="
          + metadata.getString("evaluatedRuleName")
          + "}";
    }
  }

  private record Args(String flag, EvaluationContext context) {}
}
