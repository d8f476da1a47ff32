package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The provider through the OpenFeature SDK against the real relay proxy serving GO Feature Flag's
 * own provider-test flag file (spec Appendix B.4): with the canonical context every flag resolves
 * to its {@code True} variant with its metadata unchanged.
 */
@ExtendWith(LeakCheck.class)
class RealRelayEvaluationIT {
  private static final String API_KEY = "secret-key";
  private static final String DESCRIPTION = "this is a test";
  private static final String PR_LINK = "https://github.com/thomaspoignant/go-feature-flag/pull/916";

  /** Serves the flags like GO Feature Flag's own {@code goff-proxy.yaml} (with its enrichment). */
  private static RelayProxy relay;
  /** Serves the same flags like {@code goff-proxy-authenticated.yaml}: only {@link #API_KEY}. */
  private static RelayProxy authRelay;

  private OpenFeatureAPI api;

  @BeforeAll
  static void startRelays() throws IOException {
    relay = RelayProxy.serving(RelayProxy.conformanceFlags()).enrichment("environment", "integration-test").start();
    authRelay = RelayProxy.serving(RelayProxy.conformanceFlags()).authorizedKeys(API_KEY).start();
  }

  @AfterAll
  static void stopRelays() {
    try (RelayProxy first = relay;
        RelayProxy second = authRelay) {
      // Closed by try-with-resources, nulls ignored.
    }
  }

  @BeforeEach
  void newApi() {
    api = OpenFeatureAPI.createIsolated();
  }

  @AfterEach
  void shutDownApi() {
    api.shutdown();
  }

  private static GoFeatureFlagProviderOptions.Builder options(String endpoint) {
    return GoFeatureFlagProviderOptions.builder().endpoint(endpoint).timeout(Duration.ofSeconds(5));
  }

  private Client connect(RelayProxy target, UnaryOperator<GoFeatureFlagProviderOptions.Builder> customise) {
    api.setProviderAndWait(new GoFeatureFlagProvider(customise.apply(options(target.endpoint())).build()));
    return api.getClient();
  }

  private Client connect() {
    return connect(relay, UnaryOperator.identity());
  }

  private static void assertTrueVariant(FlagEvaluationDetails<?> details, Object expectedValue) {
    assertThat(details.getValue()).isEqualTo(expectedValue);
    assertThat(details.getVariant()).isEqualTo("True");
    assertThat(details.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getErrorMessage()).isNull();
    assertCanonicalMetadata(details.getFlagMetadata());
  }

  private static void assertCanonicalMetadata(ImmutableMetadata metadata) {
    assertThat(metadata.getString("description")).isEqualTo(DESCRIPTION);
    assertThat(metadata.getString("pr_link")).isEqualTo(PR_LINK);
  }

  // ---- every enabled flag resolves to its True variant ----

  @Test
  void booleanFlag_canonicalContext_resolvesTrueVariantWithMetadata() {
    FlagEvaluationDetails<Boolean> details =
        connect().getBooleanDetails("bool_targeting_match", false, CanonicalContext.get());

    assertTrueVariant(details, true);
    assertThat(details.getFlagMetadata().getBoolean("gofeatureflag_cacheable")).isTrue();
  }

  @Test
  void stringFlag_canonicalContext_resolvesTrueVariantWithMetadata() {
    assertTrueVariant(connect().getStringDetails("string_key", "default", CanonicalContext.get()), "CC0000");
  }

  @Test
  void stringFlagWithVersion_canonicalContext_resolvesTrueVariantWithMetadata() {
    assertTrueVariant(
        connect().getStringDetails("string_key_with_version", "default", CanonicalContext.get()), "CC0000");
  }

  @Test
  void integerFlag_canonicalContext_resolvesTrueVariantWithMetadata() {
    assertTrueVariant(connect().getIntegerDetails("integer_key", 1, CanonicalContext.get()), 100);
  }

  @Test
  void integerFlagAskedAsLong_canonicalContext_resolvesTrueVariant() {
    assertTrueVariant(connect().getLongDetails("integer_key", 1L, CanonicalContext.get()), 100L);
  }

  @Test
  void integerFlagAskedAsDouble_widensToDouble() {
    assertTrueVariant(connect().getDoubleDetails("integer_key", 1.5, CanonicalContext.get()), 100.0);
  }

  @Test
  void doubleFlag_canonicalContext_resolvesTrueVariantWithMetadata() {
    assertTrueVariant(connect().getDoubleDetails("double_key", 1.5, CanonicalContext.get()), 100.25);
  }

  @Test
  void objectFlag_canonicalContext_resolvesTrueVariantStructure() {
    FlagEvaluationDetails<Value> details =
        connect().getObjectDetails("object_key", new Value("default"), CanonicalContext.get());

    assertThat(details.getVariant()).isEqualTo("True");
    assertThat(details.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getValue().isStructure()).isTrue();
    assertThat(details.getValue().asStructure().asObjectMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("test", "test1", "test2", false, "test3", 123.3, "test4", 1));
    assertCanonicalMetadata(details.getFlagMetadata());
  }

  @Test
  void semverFlag_versionAtOrAboveTarget_resolvesTrueVariant() {
    EvaluationContext context =
        new ImmutableContext(CanonicalContext.TARGETING_KEY, Map.of("version", new Value("10.0.0")));

    FlagEvaluationDetails<Boolean> details =
        connect().getBooleanDetails("boolean_semver_targeting_match", false, context);

    assertThat(details.getValue()).isTrue();
    assertThat(details.getVariant()).isEqualTo("True");
    assertThat(details.getFlagMetadata().getString("description")).isEqualTo("this is a semver matching test");
  }

  @Test
  void enrichmentFlag_relayAddsEnvironmentToContext_resolvesVariantA() {
    FlagEvaluationDetails<String> details =
        connect().getStringDetails("flag-use-evaluation-context-enrichment", "default", CanonicalContext.get());

    assertThat(details.getValue()).isEqualTo("A");
    assertThat(details.getVariant()).isEqualTo("A");
    assertThat(details.getErrorCode()).isNull();
  }

  // ---- disabled flags, wrong types, unknown flags ----

  /** One typed evaluation through the SDK client, with its caller's default. */
  private record Evaluation(String name, Object defaultValue, Function<Client, FlagEvaluationDetails<?>> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Evaluation evaluation(String name, Object defaultValue, Function<Client, FlagEvaluationDetails<?>> call) {
    return new Evaluation(name, defaultValue, call);
  }

  static Stream<Evaluation> disabledFlags() {
    EvaluationContext ctx = CanonicalContext.get();
    Value defaultObject = new Value("default");
    return Stream.of(
        evaluation("disabled_bool", false, c -> c.getBooleanDetails("disabled_bool", false, ctx)),
        evaluation("disabled_string", "default", c -> c.getStringDetails("disabled_string", "default", ctx)),
        evaluation("disabled_int", 1, c -> c.getIntegerDetails("disabled_int", 1, ctx)),
        evaluation("disabled_float", 1.5, c -> c.getDoubleDetails("disabled_float", 1.5, ctx)),
        evaluation("disabled_interface", defaultObject, c -> c.getObjectDetails("disabled_interface", defaultObject, ctx)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("disabledFlags")
  void disabledFlag_returnsCallerDefaultWithReasonDisabled(Evaluation evaluation) {
    FlagEvaluationDetails<?> details = evaluation.call().apply(connect());

    assertThat(details.getValue()).isEqualTo(evaluation.defaultValue());
    assertThat(details.getVariant()).isEqualTo("SdkDefault");
    assertThat(details.getReason()).isEqualTo("DISABLED");
    assertThat(details.getErrorCode()).isNull();
    assertThat(details.getErrorMessage()).isNull();
    assertCanonicalMetadata(details.getFlagMetadata());
  }

  static Stream<Evaluation> wronglyTypedEvaluations() {
    EvaluationContext ctx = CanonicalContext.get();
    Value defaultObject = new Value("default");
    return Stream.of(
        evaluation("string_key as boolean", false, c -> c.getBooleanDetails("string_key", false, ctx)),
        evaluation("bool_targeting_match as integer", 7, c -> c.getIntegerDetails("bool_targeting_match", 7, ctx)),
        evaluation("bool_targeting_match as double", 7.5, c -> c.getDoubleDetails("bool_targeting_match", 7.5, ctx)),
        evaluation("double_key as integer", 7, c -> c.getIntegerDetails("double_key", 7, ctx)),
        evaluation("integer_key as string", "default", c -> c.getStringDetails("integer_key", "default", ctx)),
        evaluation("object_key as string", "default", c -> c.getStringDetails("object_key", "default", ctx)),
        evaluation("string_key as object", defaultObject, c -> c.getObjectDetails("string_key", defaultObject, ctx)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wronglyTypedEvaluations")
  void flagOfAnotherType_isTypeMismatchWithCallerDefault(Evaluation evaluation) {
    FlagEvaluationDetails<?> details = evaluation.call().apply(connect());

    assertThat(details.getValue()).isEqualTo(evaluation.defaultValue());
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(details.getReason()).isEqualTo("ERROR");
  }

  @Test
  void unknownFlag_isFlagNotFoundWithCallerDefault() {
    FlagEvaluationDetails<Boolean> details =
        connect().getBooleanDetails("this_flag_does_not_exist", true, CanonicalContext.get());

    assertThat(details.getValue()).isTrue();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(details.getReason()).isEqualTo("ERROR");
  }

  // ---- targeting key ----

  @Test
  void noTargetingKey_flagWithoutBucketing_isEvaluatedByRelay() {
    FlagEvaluationDetails<String> details =
        connect()
            .getStringDetails(
                "flag-use-evaluation-context-enrichment", "default", CanonicalContext.withoutTargetingKey());

    assertThat(details.getValue()).isEqualTo("A");
    assertThat(details.getErrorCode()).isNull();
  }

  @Test
  void noTargetingKey_bucketingFlag_relayAnswersTargetingKeyMissing() {
    FlagEvaluationDetails<Boolean> details =
        connect().getBooleanDetails("bool_targeting_match", false, new ImmutableContext(Map.of()));

    assertThat(details.getValue()).isFalse();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
  }

  // ---- cache ----

  @Test
  void secondEvaluation_sameFlagAndContext_isCached() {
    Client client = connect();
    FlagEvaluationDetails<String> first = client.getStringDetails("string_key", "default", CanonicalContext.get());

    FlagEvaluationDetails<String> second = client.getStringDetails("string_key", "default", CanonicalContext.get());

    assertThat(first.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(second.getReason()).isEqualTo("CACHED");
    assertThat(second.getValue()).isEqualTo("CC0000");
    assertThat(second.getVariant()).isEqualTo("True");
    assertThat(second.getErrorMessage()).isNull();
    assertCanonicalMetadata(second.getFlagMetadata());
  }

  @Test
  void secondEvaluation_otherTargetingKey_isNotCached() {
    Client client = connect();
    client.getStringDetails("string_key", "default", CanonicalContext.get());

    FlagEvaluationDetails<String> other =
        client.getStringDetails("string_key", "default", CanonicalContext.withTargetingKey("another-user"));

    assertThat(other.getReason()).isEqualTo("TARGETING_MATCH");
  }

  @Test
  void secondEvaluation_disabledFlag_isCachedAndStillReturnsCallerDefault() {
    Client client = connect();
    client.getIntegerDetails("disabled_int", 1, CanonicalContext.get());

    FlagEvaluationDetails<Integer> second = client.getIntegerDetails("disabled_int", 2, CanonicalContext.get());

    assertThat(second.getValue()).isEqualTo(2);
    assertThat(second.getVariant()).isEqualTo("SdkDefault");
    assertThat(second.getErrorCode()).isNull();
  }

  // ---- events reach the relay's exporter ----

  @Test
  void cachedEvaluation_isExportedByRelayAsProviderCacheEvent() {
    String user = "it-user-" + UUID.randomUUID();
    Client client = connect(relay, o -> o.dataFlushInterval(Duration.ofMillis(200)));
    client.getStringDetails("string_key", "default", CanonicalContext.withTargetingKey(user));
    client.getStringDetails("string_key", "default", CanonicalContext.withTargetingKey(user));

    await("the relay to export both evaluations of " + user)
        .atMost(Duration.ofSeconds(15))
        .until(() -> eventsOf(user).stream().anyMatch(line -> line.contains("\"source\":\"PROVIDER_CACHE\"")));

    List<String> events = eventsOf(user);
    assertThat(events).filteredOn(line -> line.contains("\"source\":\"PROVIDER_CACHE\"")).singleElement()
        .satisfies(line -> assertThat(line)
            .contains("\"kind\":\"feature\"", "\"key\":\"string_key\"", "\"variation\":\"True\"",
                "\"value\":\"CC0000\"", "\"default\":false", "\"provider\":\"java\"", "\"openfeature\":true"));
    await("the relay's own event for the remote evaluation of " + user)
        .atMost(Duration.ofSeconds(15))
        .until(() -> eventsOf(user).stream().anyMatch(line -> line.contains("\"source\":\"SERVER\"")));
    assertThat(eventsOf(user)).filteredOn(line -> line.contains("\"source\":\"SERVER\"")).singleElement()
        .as("the relay's own event carries the exporter metadata the provider sent")
        .satisfies(line -> assertThat(line).contains("\"provider\":\"java\"", "\"openfeature\":true"));
  }

  @Test
  void trackingEvent_isExportedByRelay() {
    String user = "it-user-" + UUID.randomUUID();
    Client client = connect(relay, o -> o.dataFlushInterval(Duration.ofMillis(200)));

    client.track("checkout", CanonicalContext.withTargetingKey(user), new MutableTrackingEventDetails(99.5).add("currency", "EUR"));

    await("the relay to export the tracking event of " + user)
        .atMost(Duration.ofSeconds(15))
        .until(() -> eventsOf(user).stream().anyMatch(line -> line.contains("\"kind\":\"tracking\"")));
    assertThat(eventsOf(user)).singleElement()
        .satisfies(line -> assertThat(line)
            .contains("\"key\":\"checkout\"", "\"contextKind\":\"user\"", "\"value\":99.5",
                "\"currency\":\"EUR\"", "\"email\":\"john.doe@gofeatureflag.org\""));
  }

  @Test
  void authenticatedRelay_cachedEvaluationIsExported() {
    String user = "it-user-" + UUID.randomUUID();
    Client client = connect(authRelay, o -> o.apiKey(API_KEY).dataFlushInterval(Duration.ofMillis(200)));
    client.getStringDetails("string_key", "default", CanonicalContext.withTargetingKey(user));
    client.getStringDetails("string_key", "default", CanonicalContext.withTargetingKey(user));

    await("the authenticated relay to export the cache hit of " + user)
        .atMost(Duration.ofSeconds(15))
        .until(() -> eventsOf(authRelay, user).stream().anyMatch(line -> line.contains("\"source\":\"PROVIDER_CACHE\"")));
  }

  private static List<String> eventsOf(String user) {
    return eventsOf(relay, user);
  }

  private static List<String> eventsOf(RelayProxy source, String user) {
    return source.exportedEvents().stream().filter(line -> line.contains("\"userKey\":\"" + user + "\"")).toList();
  }

  // ---- authentication ----

  @Test
  void authenticatedRelay_rightApiKey_initializesAndEvaluates() {
    Client client = connect(authRelay, o -> o.apiKey(API_KEY));

    assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
    assertTrueVariant(client.getBooleanDetails("bool_targeting_match", false, CanonicalContext.get()), true);
  }

  @Test
  void authenticatedRelay_wrongApiKey_setProviderAndWaitThrowsAndProviderIsFatal() {
    String wrongKey = "wrong-key-" + UUID.randomUUID();
    GoFeatureFlagProvider provider =
        new GoFeatureFlagProvider(options(authRelay.endpoint()).apiKey(wrongKey).build());

    assertThatThrownBy(() -> api.setProviderAndWait(provider))
        .isInstanceOf(OpenFeatureError.class)
        .satisfies(e -> assertThat(((OpenFeatureError) e).getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrongKey));
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.FATAL);
    FlagEvaluationDetails<Boolean> details =
        api.getClient().getBooleanDetails("bool_targeting_match", false, CanonicalContext.get());
    assertThat(details.getValue()).isFalse();
    assertThat(details.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
  }

  @Test
  void authenticatedRelay_noApiKey_setProviderAndWaitThrowsAndProviderIsFatal() {
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options(authRelay.endpoint()).build());

    assertThatThrownBy(() -> api.setProviderAndWait(provider)).isInstanceOf(OpenFeatureError.class);
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.FATAL);
  }

  @Test
  void openRelay_anyApiKey_isAccepted() {
    Client client = connect(relay, o -> o.apiKey("some-key-the-relay-does-not-check"));

    assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
  }

  // ---- relay not running ----

  @Test
  void relayNotRunning_setProviderAndWaitFailsFastAndProviderIsInError() throws IOException {
    GoFeatureFlagProvider provider =
        new GoFeatureFlagProvider(options("http://127.0.0.1:" + RelayProxy.freePort()).build());

    long started = System.nanoTime();
    assertThatThrownBy(() -> api.setProviderAndWait(provider))
        .isInstanceOf(OpenFeatureError.class)
        .satisfies(e -> assertThat(((OpenFeatureError) e).getErrorCode()).isNotEqualTo(ErrorCode.PROVIDER_FATAL));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(took).isLessThan(Duration.ofSeconds(3));
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);
    FlagEvaluationDetails<Boolean> details =
        api.getClient().getBooleanDetails("bool_targeting_match", false, CanonicalContext.get());
    assertThat(details.getValue()).isFalse();
    assertThat(details.getErrorCode()).isNotNull();
  }

  @Test
  void relayNotRunning_providerBecomesReadyOnceRelayStarts() throws IOException {
    int port = RelayProxy.freePort();
    RecordedEvents events = RecordedEvents.attachTo(api);
    GoFeatureFlagProvider provider =
        new GoFeatureFlagProvider(
            options("http://127.0.0.1:" + port).flagChangePollingInterval(Duration.ofMillis(200)).build());
    assertThatThrownBy(() -> api.setProviderAndWait(provider)).isInstanceOf(OpenFeatureError.class);

    try (RelayProxy late = RelayProxy.serving(RelayProxy.conformanceFlags()).port(port).start()) {
      await("the provider to become ready once the relay answers")
          .atMost(Duration.ofSeconds(15))
          .until(() -> api.getClient().getProviderState() == ProviderState.READY);

      assertThat(events.types()).endsWith(ProviderEvent.PROVIDER_READY);
      assertTrueVariant(
          api.getClient().getBooleanDetails("bool_targeting_match", false, CanonicalContext.get()), true);
    }
  }
}
