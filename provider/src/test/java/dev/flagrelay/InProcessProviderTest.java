package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagrelay.engine.EngineVersion;
import dev.flagrelay.internal.configuration.ConfigurationRefresher;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import dev.flagrelay.testing.RecordingRelayClient;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FatalError;
import dev.openfeature.sdk.exceptions.GeneralError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The provider in {@link EvaluationMode#IN_PROCESS} over a recording fake relay (issue 13). */
@ExtendWith(FastPolling.class)
class InProcessProviderTest {
  private static final EvaluationContext USER = new ImmutableContext("u1", Map.of("plan", new Value("pro")));

  static final String BOOL_FLAG =
      "\"bool-flag\":{\"variations\":{\"on\":true,\"off\":false},"
          + "\"targeting\":[{\"name\":\"pro users\",\"query\":\"plan eq \\\"pro\\\"\",\"variation\":\"on\"}],"
          + "\"defaultRule\":{\"variation\":\"off\"},\"metadata\":{\"team\":\"checkout\"},\"version\":\"7\"}";
  static final String STRING_FLAG =
      "\"string-flag\":{\"variations\":{\"red\":\"RED\",\"blue\":\"BLUE\"},\"defaultRule\":{\"variation\":\"red\"}}";
  static final String OBJECT_FLAG =
      "\"object-flag\":{\"variations\":{\"a\":{\"size\":3,\"tags\":[\"x\"]}},\"defaultRule\":{\"variation\":\"a\"}}";
  static final String DISABLED_FLAG =
      "\"disabled-flag\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"},\"disable\":true}";
  static final String UNTRACKED_FLAG =
      "\"untracked-flag\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"},\"trackEvents\":false}";
  static final String SPLIT_FLAG =
      "\"split-flag\":{\"variations\":{\"a\":\"A\",\"b\":\"B\"},\"defaultRule\":{\"percentage\":{\"a\":50,\"b\":50}}}";
  static final String UNSUPPORTED_FLAG =
      "\"future-flag\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"},\"fieldFromTheFuture\":1}";
  static final String ENRICHED_FLAG =
      "\"enriched-flag\":{\"variations\":{\"prod\":\"P\",\"other\":\"O\"},"
          + "\"targeting\":[{\"query\":\"env eq \\\"production\\\"\",\"variation\":\"prod\"}],\"defaultRule\":{\"variation\":\"other\"}}";

  private final RecordingRelayClient relay = new RecordingRelayClient();
  private final List<GoFeatureFlagProvider> providers = new ArrayList<>();

  @AfterEach
  void shutdownAndCheckForLeaks() {
    providers.forEach(GoFeatureFlagProvider::shutdown);
    GoffThreads.awaitNone("goff-");
  }

  static String config(String... flags) {
    return "{\"flags\":{" + String.join(",", flags) + "}}";
  }

  static ConfigurationAnswer fetched(String body, String etag) {
    return new ConfigurationAnswer.Fetched(body.getBytes(StandardCharsets.UTF_8), etag);
  }

  private static RelayUnreachableException unreachable() {
    return new RelayUnreachableException("connection refused", null, false);
  }

  /** The configuration the fake serves, with an ETag per content, and 304 when it is echoed. */
  private final AtomicReference<String> served = new AtomicReference<>(config(BOOL_FLAG, STRING_FLAG));

  private void serveWithEtags() {
    relay.onFlagConfiguration(
        (etag, flags) -> {
          String body = served.get();
          String current = "\"" + body.length() + "-" + Integer.toHexString(body.hashCode()) + "\"";
          return current.equals(etag) ? ConfigurationAnswer.NOT_MODIFIED : fetched(body, current);
        });
  }

  /** A provider that records the events it emits. */
  static final class RecordingProvider extends GoFeatureFlagProvider {
    final List<ProviderEvent> events = Collections.synchronizedList(new ArrayList<>());
    final List<ProviderEventDetails> details = Collections.synchronizedList(new ArrayList<>());

    RecordingProvider(GoFeatureFlagProviderOptions options, RecordingRelayClient relay) {
      super(options, relay);
    }

    @Override
    public dev.openfeature.sdk.Awaitable emit(ProviderEvent event, ProviderEventDetails eventDetails) {
      events.add(event);
      details.add(eventDetails);
      return super.emit(event, eventDetails);
    }

    List<ProviderEvent> events() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }

    List<List<String>> flagsChanged() {
      synchronized (details) {
        List<List<String>> changed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
          if (events.get(i) == ProviderEvent.PROVIDER_CONFIGURATION_CHANGED) {
            changed.add(details.get(i).getFlagsChanged());
          }
        }
        return changed;
      }
    }
  }

  /** In process, refreshing every 5 ms, events flushed only at shutdown, unless {@code options} says otherwise. */
  private RecordingProvider provider(UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) {
    GoFeatureFlagProviderOptions.Builder builder =
        GoFeatureFlagProviderOptions.builder()
            .endpoint("http://relay.test:1031")
            .evaluationMode(EvaluationMode.IN_PROCESS)
            .timeout(Duration.ofSeconds(1))
            .flagChangePollingInterval(Duration.ofMillis(5))
            .dataFlushInterval(Duration.ofHours(1));
    RecordingProvider provider = new RecordingProvider(options.apply(builder).build(), relay);
    providers.add(provider);
    return provider;
  }

  private RecordingProvider ready(UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) throws Exception {
    RecordingProvider provider = provider(options);
    provider.initialize(USER);
    return provider;
  }

  private RecordingProvider ready() throws Exception {
    serveWithEtags();
    return ready(UnaryOperator.identity());
  }

  private static List<JsonNode> featureEvents(List<JsonNode> events) {
    return events.stream().filter(event -> "feature".equals(event.get("kind").asText())).toList();
  }

  // Start (GOFF-LIFE-001, GOFF-EVT-007, GOFF-EVT-008).

  @Test
  void start_fetchesTheConfigurationWithoutEtag_thenEvaluatesLocallyWithoutAnyRelayCall() throws Exception {
    RecordingProvider provider = ready();

    ProviderEvaluation<Boolean> answer = provider.getBooleanEvaluation("bool-flag", false, USER);

    assertThat(relay.configurationEtags().get(0)).isNull();
    assertThat(relay.configurationFlagLists().get(0)).isEmpty();
    assertThat(answer.getValue()).isTrue();
    assertThat(answer.getVariant()).isEqualTo("on");
    assertThat(answer.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(answer.getErrorCode()).isNull();
    assertThat(answer.getFlagMetadata().getString("team")).isEqualTo("checkout");
    assertThat(answer.getFlagMetadata().getString("evaluatedRuleName")).isEqualTo("pro users");
    assertThat(answer.getFlagMetadata().getBoolean(RelayAnswer.CACHEABLE_KEY)).isTrue();
    assertThat(relay.evaluatedFlags()).as("no OFREP call").isEmpty();
    assertThat(relay.flagChangeCalls()).as("no flag-change polling in process").isZero();
  }

  /** GOFF-ENG-002/003: the engine pin and the targeted spec, read from the engine jar, logged at start. */
  @Test
  void start_logsTheEnginePinAndTheTargetedSpecOnce() throws Exception {
    serveWithEtags();
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      ready(UnaryOperator.identity());
    } finally {
      System.setErr(originalErr);
    }

    EngineVersion pin = EngineVersion.current();
    List<String> pinLines =
        captured.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(pin.reference())).toList();
    assertThat(pinLines).hasSize(1);
    assertThat(pinLines.get(0)).contains("INFO", pin.implementation(), pin.spec(), pin.relayBaseline());
  }

  @Test
  void evaluationFlagList_sentWithEveryFetch() throws Exception {
    serveWithEtags();
    ready(options -> options.evaluationFlagList(List.of("bool-flag", "string-flag")));

    await().until(() -> relay.configurationCalls() >= 2);
    assertThat(relay.configurationFlagLists()).allSatisfy(flags -> assertThat(flags).containsExactly("bool-flag", "string-flag"));
  }

  @Test
  void start_keyRefused401_fatalError() {
    relay.onFlagConfiguration((etag, flags) -> {
      throw new RelayHttpException(401, null, null);
    });
    RecordingProvider provider = provider(UnaryOperator.identity());

    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(FatalError.class);
    assertThat(provider.getBooleanEvaluation("bool-flag", false, USER).getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
  }

  @Test
  void start_keyRefused403_fatalErrorAndNoRefreshing() {
    relay.onFlagConfiguration((etag, flags) -> {
      throw new RelayHttpException(403, null, null);
    });
    RecordingProvider provider = provider(UnaryOperator.identity());

    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(FatalError.class);
    assertThat(GoffThreads.alive(ConfigurationRefresher.THREAD_NAME)).isEmpty();
    assertThat(relay.configurationCalls()).isEqualTo(1);
  }

  @Test
  void start_relayUnreachable_generalErrorThenReadyWhenAConfigurationArrives() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    relay.onFlagConfiguration((etag, flags) -> {
      if (calls.incrementAndGet() <= 2) {
        throw unreachable();
      }
      return fetched(config(BOOL_FLAG), "\"1\"");
    });
    RecordingProvider provider = provider(UnaryOperator.identity());

    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(GeneralError.class);
    assertThat(provider.getBooleanEvaluation("bool-flag", false, USER).getErrorCode())
        .isEqualTo(ErrorCode.PROVIDER_NOT_READY);

    await().until(() -> provider.events().contains(ProviderEvent.PROVIDER_READY));
    assertThat(provider.getBooleanEvaluation("bool-flag", false, USER).getValue()).isTrue();
    assertThat(provider.flagsChanged()).as("no CONFIGURATION_CHANGED for the first load (GOFF-EVT-003)").isEmpty();
  }

  @Test
  void start_relay500_generalErrorAndKeepsTrying() {
    relay.onFlagConfiguration((etag, flags) -> {
      throw new RelayHttpException(500, "RETRIEVING_FLAGS_ERROR", "flag cache not ready");
    });
    RecordingProvider provider = provider(UnaryOperator.identity());

    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(GeneralError.class);
    await().until(() -> relay.configurationCalls() >= 3);
  }

  @Test
  void start_unusableBody_generalErrorThenHeals() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    relay.onFlagConfiguration((etag, flags) ->
        calls.incrementAndGet() == 1 ? fetched("<html>gateway</html>", null) : fetched(config(STRING_FLAG), "\"2\""));
    RecordingProvider provider = provider(UnaryOperator.identity());

    assertThatThrownBy(() -> provider.initialize(USER))
        .isInstanceOf(GeneralError.class)
        .hasMessageContaining("flag configuration");
    await().until(() -> provider.events().contains(ProviderEvent.PROVIDER_READY));
    assertThat(provider.getStringEvaluation("string-flag", "x", USER).getValue()).isEqualTo("RED");
  }

  @Test
  void start_pollingOff_failedStartStillHealsThenStopsFetching() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    relay.onFlagConfiguration((etag, flags) -> {
      if (calls.incrementAndGet() == 1) {
        throw unreachable();
      }
      return fetched(config(BOOL_FLAG), "\"1\"");
    });
    RecordingProvider provider = provider(options -> options.flagChangePollingEnabled(false));

    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(GeneralError.class);
    await().until(() -> provider.events().contains(ProviderEvent.PROVIDER_READY));
    int after = relay.configurationCalls();
    assertThat(provider.getBooleanEvaluation("bool-flag", false, USER).getValue()).isTrue();
    assertThat(after).isEqualTo(2);
  }

  // Evaluation (GOFF-IP-012, GOFF-EVAL-*, GOFF-CTX-005).

  @Test
  void flagMissingFromTheConfiguration_flagNotFound() throws Exception {
    RecordingProvider provider = ready();

    ProviderEvaluation<Boolean> answer = provider.getBooleanEvaluation("nope", true, USER);

    assertThat(answer.getValue()).isTrue();
    assertThat(answer.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(answer.getReason()).isEqualTo("ERROR");
    assertThat(relay.evaluatedFlags()).isEmpty();
  }

  @Test
  void wrongType_typeMismatchWithTheDefault() throws Exception {
    RecordingProvider provider = ready();

    ProviderEvaluation<Integer> answer = provider.getIntegerEvaluation("string-flag", 3, USER);

    assertThat(answer.getValue()).isEqualTo(3);
    assertThat(answer.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
  }

  @Test
  void disabledFlag_callerDefaultReasonDisabledNoError() throws Exception {
    served.set(config(DISABLED_FLAG));
    RecordingProvider provider = ready();

    ProviderEvaluation<Boolean> answer = provider.getBooleanEvaluation("disabled-flag", false, USER);

    assertThat(answer.getValue()).isFalse();
    assertThat(answer.getReason()).isEqualTo("DISABLED");
    assertThat(answer.getVariant()).isEqualTo("SdkDefault");
    assertThat(answer.getErrorCode()).isNull();
  }

  @Test
  void objectFlag_valueAsStructure() throws Exception {
    served.set(config(OBJECT_FLAG));
    RecordingProvider provider = ready();

    Value value = provider.getObjectEvaluation("object-flag", new Value(), USER).getValue();

    assertThat(value.asStructure().getValue("size").asInteger()).isEqualTo(3);
    assertThat(value.asStructure().getValue("tags").asList()).containsExactly(new Value("x"));
  }

  @Test
  void enrichmentFromTheConfiguration_appliesAndWinsOverTheContext() throws Exception {
    served.set("{\"flags\":{" + ENRICHED_FLAG + "},\"evaluationContextEnrichment\":{\"env\":\"production\"}}");
    RecordingProvider provider = ready();
    EvaluationContext dev = new ImmutableContext("u1", Map.of("env", new Value("dev")));

    assertThat(provider.getStringEvaluation("enriched-flag", "x", dev).getValue()).isEqualTo("P");
  }

  @Test
  void splitWithoutTargetingKey_targetingKeyMissing() throws Exception {
    served.set(config(SPLIT_FLAG));
    RecordingProvider provider = ready();

    ProviderEvaluation<String> answer = provider.getStringEvaluation("split-flag", "x", new ImmutableContext());

    assertThat(answer.getErrorCode()).isEqualTo(ErrorCode.TARGETING_KEY_MISSING);
    assertThat(answer.getValue()).isEqualTo("x");
  }

  // Fallback (GOFF-FALLBACK-001..007).

  @Test
  void flagTheEngineCannotEvaluate_askedOfTheRelayEveryTimeAndMarked() throws Exception {
    served.set(config(UNSUPPORTED_FLAG));
    relay.onEvaluate((flagKey, context) -> new RelayAnswer(true, "on", "STATIC", Map.of("team", "x")));
    RecordingProvider provider = ready();

    ProviderEvaluation<Boolean> first = provider.getBooleanEvaluation("future-flag", false, USER);
    provider.getBooleanEvaluation("future-flag", false, USER);

    assertThat(first.getValue()).isTrue();
    assertThat(first.getReason()).isEqualTo("STATIC");
    assertThat(first.getFlagMetadata().getBoolean("gofeatureflag_evaluated_remotely")).isTrue();
    assertThat(first.getFlagMetadata().getString("team")).isEqualTo("x");
    assertThat(relay.evaluatedFlags()).containsExactly("future-flag", "future-flag");
    assertThat(relay.evaluatedContexts().get(0).targetingKey()).isEqualTo("u1");
  }

  @Test
  void fallbackFailsToo_theLocalErrorWithTheDefault() throws Exception {
    served.set(config(UNSUPPORTED_FLAG));
    relay.onEvaluate((flagKey, context) -> {
      throw unreachable();
    });
    RecordingProvider provider = ready();

    ProviderEvaluation<Boolean> answer = provider.getBooleanEvaluation("future-flag", false, USER);

    assertThat(answer.getValue()).isFalse();
    assertThat(answer.getErrorCode()).isEqualTo(ErrorCode.PARSE_ERROR);
    assertThat(answer.getErrorMessage()).contains("fieldFromTheFuture").contains("remote evaluation failed");
  }

  // Staying in step (GOFF-IP-005, GOFF-IP-007, GOFF-EVT-002, GOFF-EVT-004).

  @Test
  void refresh_echoesTheEtagVerbatim_304ChangesNothingAndEmitsNothing() throws Exception {
    RecordingProvider provider = ready();

    await().until(() -> relay.configurationCalls() >= 4);
    List<String> etags = relay.configurationEtags();
    String first = etags.get(1);
    assertThat(first).startsWith("\"").endsWith("\"");
    assertThat(etags.subList(1, etags.size())).containsOnly(first);
    assertThat(provider.flagsChanged()).isEmpty();
    assertThat(provider.getBooleanEvaluation("bool-flag", false, USER).getValue()).isTrue();
  }

  @Test
  void configurationChanged_oneEventNamingExactlyTheChangedFlags() throws Exception {
    RecordingProvider provider = ready();
    await().until(() -> relay.configurationCalls() >= 2);

    served.set(config(BOOL_FLAG, STRING_FLAG.replace("\"RED\"", "\"DARK RED\""), OBJECT_FLAG));

    await().until(() -> !provider.flagsChanged().isEmpty());
    assertThat(provider.getStringEvaluation("string-flag", "x", USER).getValue()).isEqualTo("DARK RED");
    int calls = relay.configurationCalls();
    await().until(() -> relay.configurationCalls() >= calls + 3);
    assertThat(provider.flagsChanged()).containsExactly(List.of("object-flag", "string-flag"));
  }

  /**
   * The SDK metadata of an answer is built once per flag rule and configuration, not on every
   * evaluation (it is immutable, so it is shared); each evaluation still gets its own answer, and
   * a new configuration brings its own metadata.
   */
  @Test
  void metadataBuiltOncePerRuleAndConfiguration_answersStillFresh() throws Exception {
    RecordingProvider provider = ready();
    EvaluationContext basic = new ImmutableContext("u2", Map.of("plan", new Value("basic")));

    ProviderEvaluation<Boolean> first = provider.getBooleanEvaluation("bool-flag", false, USER);
    ProviderEvaluation<Boolean> second = provider.getBooleanEvaluation("bool-flag", false, USER);
    ProviderEvaluation<Boolean> defaultRule = provider.getBooleanEvaluation("bool-flag", true, basic);

    assertThat(second).isNotSameAs(first);
    assertThat(second.getFlagMetadata()).isSameAs(first.getFlagMetadata());
    assertThat(defaultRule.getFlagMetadata()).isNotSameAs(first.getFlagMetadata());
    assertThat(defaultRule.getFlagMetadata().getString("evaluatedRuleName")).isNull();
    assertThat(defaultRule.getFlagMetadata().getString("team")).isEqualTo("checkout");
    assertThat(defaultRule.getFlagMetadata().getBoolean(RelayAnswer.CACHEABLE_KEY)).isTrue();

    served.set(config(BOOL_FLAG.replace("checkout", "payments"), STRING_FLAG));
    await().until(() -> !provider.flagsChanged().isEmpty());

    ProviderEvaluation<Boolean> changed = provider.getBooleanEvaluation("bool-flag", false, USER);
    assertThat(changed.getFlagMetadata().getString("team")).isEqualTo("payments");
    assertThat(changed.getFlagMetadata().getString("evaluatedRuleName")).isEqualTo("pro users");
  }

  /**
   * Numeric metadata keeps the types the remote mode decodes from the relay's JSON: an integer
   * within 32 bits is an Integer, a larger one a Long, a fraction a Double (the spec Gherkin's
   * metadata scenarios read {@code getInteger}).
   */
  @Test
  void numericMetadata_typedAsInTheRemoteMode() throws Exception {
    served.set(
        config(
            "\"numbers-flag\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"},"
                + "\"metadata\":{\"integer\":2,\"big\":1099511627776,\"float\":0.1,\"string\":\"1.0.2\",\"boolean\":true}}"));
    RecordingProvider provider = ready();

    ImmutableMetadata metadata = provider.getBooleanEvaluation("numbers-flag", false, USER).getFlagMetadata();

    assertThat(metadata.getInteger("integer")).isEqualTo(2);
    assertThat(metadata.getLong("big")).isEqualTo(1L << 40);
    assertThat(metadata.getDouble("float")).isEqualTo(0.1);
    assertThat(metadata.getString("string")).isEqualTo("1.0.2");
    assertThat(metadata.getBoolean("boolean")).isTrue();
  }

  /**
   * A null in a flag's metadata (YAML's {@code description:} with nothing after it) is dropped, as
   * the remote mode drops it when decoding the relay's answer; the flag evaluates as usual.
   */
  @Test
  void nullMetadataValue_droppedAndTheFlagStillEvaluates() throws Exception {
    served.set(
        config(
            "\"null-metadata-flag\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"},"
                + "\"metadata\":{\"description\":null,\"team\":\"checkout\"}}",
            "\"null-metadata-disabled\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"},"
                + "\"disable\":true,\"metadata\":{\"description\":null}}"));
    RecordingProvider provider = ready();

    ProviderEvaluation<Boolean> evaluation = provider.getBooleanEvaluation("null-metadata-flag", false, USER);
    ProviderEvaluation<Boolean> disabled = provider.getBooleanEvaluation("null-metadata-disabled", false, USER);

    assertThat(evaluation.getErrorCode()).isNull();
    assertThat(evaluation.getValue()).isTrue();
    assertThat(evaluation.getFlagMetadata().getString("team")).isEqualTo("checkout");
    assertThat(evaluation.getFlagMetadata().getString("description")).isNull();
    assertThat(disabled.getErrorCode()).isNull();
    assertThat(disabled.getReason()).isEqualTo("DISABLED");
  }

  @Test
  void flagRemoved_namedAndNotFoundAfterwards() throws Exception {
    RecordingProvider provider = ready();

    served.set(config(STRING_FLAG));

    await().until(() -> !provider.flagsChanged().isEmpty());
    assertThat(provider.flagsChanged()).containsExactly(List.of("bool-flag"));
    assertThat(provider.getBooleanEvaluation("bool-flag", false, USER).getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }

  @Test
  void enrichmentChanged_everyFlagNamed() throws Exception {
    served.set("{\"flags\":{" + BOOL_FLAG + "," + ENRICHED_FLAG + "},\"evaluationContextEnrichment\":{\"env\":\"dev\"}}");
    RecordingProvider provider = ready();

    served.set("{\"flags\":{" + BOOL_FLAG + "," + ENRICHED_FLAG + "},\"evaluationContextEnrichment\":{\"env\":\"production\"}}");

    await().until(() -> !provider.flagsChanged().isEmpty());
    assertThat(provider.flagsChanged().get(0)).containsExactly("bool-flag", "enriched-flag");
    assertThat(provider.getStringEvaluation("enriched-flag", "x", USER).getValue()).isEqualTo("P");
  }

  @Test
  void sameContentUnderANewEtag_noEvent() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    relay.onFlagConfiguration((etag, flags) -> fetched(config(BOOL_FLAG), "\"v" + calls.incrementAndGet() + "\""));
    RecordingProvider provider = ready(UnaryOperator.identity());

    await().until(() -> calls.get() >= 4);
    assertThat(provider.flagsChanged()).isEmpty();
  }

  // Outage (GOFF-EVT-005, GOFF-EVT-006).

  @Test
  void threeFailedRefreshes_staleWhileTheLastConfigurationIsServed_thenReadyOnTheNextSuccess() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger failuresLeft = new AtomicInteger();
    relay.onFlagConfiguration((etag, flags) -> {
      calls.incrementAndGet();
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw unreachable();
      }
      return "\"1\"".equals(etag) ? ConfigurationAnswer.NOT_MODIFIED : fetched(config(BOOL_FLAG), "\"1\"");
    });
    RecordingProvider provider = ready(options -> options.flagChangePollingInterval(Duration.ofMillis(20)));

    failuresLeft.set(1_000_000);
    await().until(() -> provider.events().contains(ProviderEvent.PROVIDER_STALE));
    int callsWhenStale = calls.get();
    assertThat(provider.getBooleanEvaluation("bool-flag", false, USER).getValue()).isTrue();
    failuresLeft.set(0);

    await().until(() -> provider.events().contains(ProviderEvent.PROVIDER_READY));
    assertThat(provider.events()).containsExactly(ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_READY);
    assertThat(callsWhenStale).isGreaterThanOrEqualTo(4); // the first fetch, then 3 failures
  }

  @Test
  void twoFailedRefreshes_notStale() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    relay.onFlagConfiguration((etag, flags) -> {
      calls.incrementAndGet();
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new RelayHttpException(502, null, null);
      }
      return fetched(config(BOOL_FLAG), "\"1\"");
    });
    RecordingProvider provider = ready(UnaryOperator.identity());
    failuresLeft.set(2);

    await().until(() -> failuresLeft.get() == 0 && calls.get() >= 6);
    assertThat(provider.events()).doesNotContain(ProviderEvent.PROVIDER_STALE);
  }

  // Collector (GOFF-COLL-009/010/020/022, I5, I7).

  @Test
  void everyEvaluationOfAKnownTrackedFlag_oneFeatureEventFromInprocess() throws Exception {
    served.set(config(BOOL_FLAG, STRING_FLAG, OBJECT_FLAG, UNTRACKED_FLAG, DISABLED_FLAG));
    RecordingProvider provider = ready();

    provider.getBooleanEvaluation("bool-flag", false, USER);
    provider.getBooleanEvaluation("bool-flag", false, USER);
    provider.getIntegerEvaluation("string-flag", 5, USER); // TYPE_MISMATCH: reported, failed
    provider.getObjectEvaluation("object-flag", new Value(), USER);
    provider.getBooleanEvaluation("disabled-flag", false, USER);
    provider.getBooleanEvaluation("untracked-flag", false, USER); // trackEvents false: nothing
    provider.getBooleanEvaluation("unknown-flag", false, USER); // unknown: nothing
    List<JsonNode> events = featureEvents(eventsSentAtShutdown(provider));

    assertThat(events).extracting(event -> event.get("key").asText())
        .containsExactly("bool-flag", "bool-flag", "string-flag", "object-flag", "disabled-flag");
    JsonNode bool = events.get(0);
    assertThat(bool.get("source").asText()).isEqualTo("INPROCESS");
    assertThat(bool.get("version").isTextual()).isTrue();
    assertThat(bool.get("version").asText()).isEqualTo("7");
    assertThat(bool.get("variation").asText()).isEqualTo("on");
    assertThat(bool.get("value").asBoolean()).isTrue();
    assertThat(bool.get("default").asBoolean()).isFalse();
    assertThat(bool.get("userKey").asText()).isEqualTo("u1");
    JsonNode mismatch = events.get(2);
    assertThat(mismatch.get("default").asBoolean()).isTrue();
    assertThat(mismatch.get("variation").asText()).isEqualTo("SdkDefault");
    assertThat(mismatch.get("value").asInt()).isEqualTo(5);
    assertThat(mismatch.get("version").asText()).isEmpty();
    JsonNode object = events.get(3);
    assertThat(object.get("value").toString()).isEqualTo("{\"size\":3,\"tags\":[\"x\"]}");
    JsonNode disabled = events.get(4);
    assertThat(disabled.get("default").asBoolean()).isFalse();
    assertThat(disabled.get("variation").asText()).isEqualTo("SdkDefault");
  }

  /** A caller's default that is a list is reported as a JSON array, its items as JSON values. */
  @Test
  void callerDefaultList_reportedAsAJsonArray() throws Exception {
    served.set(config(STRING_FLAG));
    RecordingProvider provider = ready();
    Value listDefault =
        new Value(List.of(new Value("a"), new Value(2), new Value(new ImmutableStructure(Map.of("k", new Value(true))))));

    ProviderEvaluation<Value> answer = provider.getObjectEvaluation("string-flag", listDefault, USER);
    List<JsonNode> events = featureEvents(eventsSentAtShutdown(provider));

    assertThat(answer.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("value").toString()).isEqualTo("[\"a\",2,{\"k\":true}]");
  }

  @Test
  void fallbackEvaluation_noFeatureEvent() throws Exception {
    served.set(config(UNSUPPORTED_FLAG));
    relay.onEvaluate((flagKey, context) -> new RelayAnswer(true, "on", "STATIC", Map.of()));
    RecordingProvider provider = ready();

    provider.getBooleanEvaluation("future-flag", false, USER);

    assertThat(featureEvents(eventsSentAtShutdown(provider))).isEmpty();
  }

  @Test
  void dataCollectionDisabled_noEvents() throws Exception {
    serveWithEtags();
    RecordingProvider provider = ready(options -> options.disableDataCollection(true));

    provider.getBooleanEvaluation("bool-flag", false, USER);

    assertThat(eventsSentAtShutdown(provider)).isEmpty();
  }

  // Lifecycle (GOFF-LIFE-002, GOFF-LIFE-004).

  @Test
  void shutdown_stopsTheRefresherThread() throws Exception {
    RecordingProvider provider = ready();
    await().until(() -> !GoffThreads.alive(ConfigurationRefresher.THREAD_NAME).isEmpty());

    provider.shutdown();

    GoffThreads.awaitNone(ConfigurationRefresher.THREAD_NAME);
    int calls = relay.configurationCalls();
    assertThat(provider.getBooleanEvaluation("bool-flag", false, USER).getErrorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY);
    assertThat(relay.configurationCalls()).isEqualTo(calls);
  }

  @Test
  void secondInitialize_noSecondFetchNoSecondRefresher() throws Exception {
    serveWithEtags();
    RecordingProvider provider = ready(options -> options.flagChangePollingEnabled(false));

    provider.initialize(USER);

    assertThat(relay.configurationCalls()).isEqualTo(1);
  }

  private List<JsonNode> eventsSentAtShutdown(GoFeatureFlagProvider provider) {
    provider.shutdown();
    return relay.deliveredEvents();
  }
}
