package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagrelay.internal.cache.CacheKey;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.testing.Answers;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import dev.flagrelay.testing.RecordingRelayClient;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FatalError;
import dev.openfeature.sdk.exceptions.GeneralError;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The provider end to end over a recording fake relay: lifecycle, cache, events, tracking. */
@ExtendWith(FastPolling.class)
class GoFeatureFlagProviderTest {
  private static final EvaluationContext USER = new ImmutableContext("u1", Map.of("plan", new Value("pro")));

  private final RecordingRelayClient relay = new RecordingRelayClient();
  private final List<GoFeatureFlagProvider> providers = new ArrayList<>();

  @AfterEach
  void shutdownAndCheckForLeaks() {
    providers.forEach(GoFeatureFlagProvider::shutdown);
    GoffThreads.awaitNone("goff-");
  }

  /** Change detection off, events flushed only at shutdown, unless {@code options} says otherwise. */
  private GoFeatureFlagProvider provider(UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) {
    GoFeatureFlagProviderOptions.Builder builder =
        GoFeatureFlagProviderOptions.builder()
            .endpoint("http://relay.test:1031")
            .timeout(Duration.ofSeconds(1))
            .flagChangeDetection(FlagChangeDetection.NONE)
            .dataFlushInterval(Duration.ofHours(1));
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options.apply(builder).build(), relay);
    providers.add(provider);
    return provider;
  }

  private GoFeatureFlagProvider provider() {
    return provider(UnaryOperator.identity());
  }

  private GoFeatureFlagProvider ready(UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) throws Exception {
    GoFeatureFlagProvider provider = provider(options);
    provider.initialize(USER);
    return provider;
  }

  private GoFeatureFlagProvider ready() throws Exception {
    return ready(UnaryOperator.identity());
  }

  private static RelayUnreachableException unreachable() {
    return new RelayUnreachableException("connection refused", null, false);
  }

  private void answer(RelayAnswer answer) {
    relay.onEvaluate((flagKey, context) -> answer);
  }

  /** Events the relay received once the provider has shut down (and flushed). */
  private List<JsonNode> eventsSentAtShutdown(GoFeatureFlagProvider provider) {
    provider.shutdown();
    return relay.deliveredEvents();
  }

  // Identity and hooks.

  /** GOFF-META-001. */
  @Test
  void metadata_nameIsExactlyGoFeatureFlagProvider() {
    assertThat(provider().getMetadata().getName()).isEqualTo("GO Feature Flag Provider");
  }

  @Test
  void providerHooks_sameEmptyImmutableListEveryTime() {
    GoFeatureFlagProvider provider = provider();
    List<Hook> hooks = provider.getProviderHooks();

    assertThat(hooks).isEmpty();
    assertThat(provider.getProviderHooks()).isSameAs(hooks);
    assertThatThrownBy(() -> hooks.add(new Hook<Object>() {})).isInstanceOf(UnsupportedOperationException.class);
  }

  // Lifecycle (GOFF-LIFE-001/002/006, GOFF-EVT-007/008).

  @Test
  void beforeInitialize_providerNotReadyWithTheDefault() {
    answer(Answers.cacheable(true, "on"));

    ProviderEvaluation<Boolean> result = provider().getBooleanEvaluation("my-flag", false, USER);

    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY);
    assertThat(result.getValue()).isFalse();
    assertThat(relay.evaluatedFlags()).isEmpty();
  }

  @Test
  void initialize_relayRefusesKey401_fatalError() {
    relay.onFlagChanges(
        etag -> {
          throw new RelayHttpException(401, null, "Unauthorized");
        });

    assertThatThrownBy(() -> provider().initialize(USER)).isInstanceOf(FatalError.class);
  }

  @Test
  void initialize_gatewayRefusesKey403_fatalError() {
    relay.onFlagChanges(
        etag -> {
          throw new RelayHttpException(403, null, null);
        });

    assertThatThrownBy(() -> provider().initialize(USER)).isInstanceOf(FatalError.class);
  }

  @Test
  void afterFatalInitialization_evaluationsProviderFatal() {
    relay.onFlagChanges(
        etag -> {
          throw new RelayHttpException(401, null, "Unauthorized");
        });
    answer(Answers.cacheable(true, "on"));
    GoFeatureFlagProvider provider = provider();
    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(FatalError.class);

    ProviderEvaluation<Boolean> result = provider.getBooleanEvaluation("my-flag", false, USER);

    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL);
    assertThat(result.getValue()).isFalse();
  }

  @Test
  void initialize_relayUnreachable_generalErrorNotFatal() {
    relay.onFlagChanges(
        etag -> {
          throw unreachable();
        });

    assertThatThrownBy(() -> provider().initialize(USER))
        .isInstanceOf(GeneralError.class)
        .isNotInstanceOf(FatalError.class);
  }

  @Test
  void initialize_relayUnreachable_healsOnceThePollerReachesTheRelay() {
    AtomicBoolean down = new AtomicBoolean(true);
    relay.onFlagChanges(
        etag -> {
          if (down.get()) {
            throw unreachable();
          }
          return FlagChanges.of("\"1-a\"", Map.of("my-flag", 1L));
        });
    answer(Answers.cacheable(true, "on"));
    GoFeatureFlagProvider provider =
        provider(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));
    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(GeneralError.class);

    down.set(false);

    await().until(() -> provider.getBooleanEvaluation("my-flag", false, USER).getErrorCode() == null);
    assertThat(provider.getBooleanEvaluation("my-flag", false, USER).getValue()).isTrue();
  }

  /**
   * GOFF-EVT-008: a failed start must heal once the relay answers, even with change polling off
   * (regression: nothing ever left the ERROR state, so a relay that was down for a moment at
   * startup disabled every flag for the life of the process). The provider probes the relay every
   * polling interval until it answers once.
   */
  @Test
  @SuppressWarnings({"deprecation", "removal"}) // The deprecated alias must keep meaning NONE.
  void initialize_relayUnreachableWithPollingOff_servesOnceTheRelayAnswers() {
    AtomicBoolean down = new AtomicBoolean(true);
    relay.onFlagChanges(
        etag -> {
          if (down.get()) {
            throw unreachable();
          }
          return FlagChanges.of("\"1-a\"", Map.of());
        });
    answer(Answers.cacheable(true, "on"));
    GoFeatureFlagProvider provider =
        provider(options -> options.flagChangePollingEnabled(false).flagChangePollingInterval(Duration.ofMillis(20)));
    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(GeneralError.class);

    down.set(false);

    await().untilAsserted(() -> {
      ProviderEvaluation<Boolean> result = provider.getBooleanEvaluation("my-flag", false, USER);
      assertThat(result.getErrorCode()).as("error message: %s", result.getErrorMessage()).isNull();
      assertThat(result.getValue()).isTrue();
    });
    int probes = relay.flagChangeCalls();
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> relay.flagChangeCalls() == probes);
  }

  @Test
  void initialize_olderRelayWithoutChangeEndpoint_ready() throws Exception {
    relay.onFlagChanges(
        etag -> {
          throw new RelayHttpException(404, null, "Not Found");
        });
    answer(Answers.cacheable(true, "on"));
    GoFeatureFlagProvider provider = provider();

    provider.initialize(USER);

    assertThat(provider.getBooleanEvaluation("my-flag", false, USER).getValue()).isTrue();
  }

  @Test
  void initialize_olderRelayWithoutChangeEndpoint_noPolling() throws Exception {
    relay.onFlagChanges(
        etag -> {
          throw new RelayHttpException(404, null, "Not Found");
        });
    ready(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));

    await()
        .during(Duration.ofMillis(150))
        .atMost(Duration.ofSeconds(1))
        .until(() -> relay.flagChangeCalls() == 1);
  }

  @Test
  void initialize_twice_probesTheRelayOnce() throws Exception {
    GoFeatureFlagProvider provider = provider();

    provider.initialize(USER);
    provider.initialize(USER);

    assertThat(relay.flagChangeCalls()).isEqualTo(1);
  }

  @Test
  void initialize_afterShutdown_refused() {
    GoFeatureFlagProvider provider = provider();
    provider.shutdown();

    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(GeneralError.class);
  }

  /**
   * A shutdown that lands while the first poll is in flight: initialize() must not return as if
   * the provider were ready (the SDK would report READY while every evaluation is refused).
   */
  @Test
  void shutdownWhileInitializing_initializeFailsAndNothingStarts() throws Exception {
    CountDownLatch polling = new CountDownLatch(1);
    CountDownLatch shutDown = new CountDownLatch(1);
    relay.onFlagChanges(
        etag -> {
          polling.countDown();
          try {
            shutDown.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FlagChanges.of("\"0-base\"", Map.of());
        });
    GoFeatureFlagProvider provider =
        provider(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).dataFlushInterval(Duration.ofMillis(10)));
    CompletableFuture<Void> initializing =
        CompletableFuture.runAsync(
            () -> {
              try {
                provider.initialize(USER);
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            });
    assertThat(polling.await(5, TimeUnit.SECONDS)).as("first poll started").isTrue();

    provider.shutdown();
    shutDown.countDown();

    assertThatThrownBy(() -> initializing.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(GeneralError.class)
        .hasMessageContaining("shut down while it was initialising");
    assertThat(provider.getBooleanEvaluation("my-flag", false, USER).getErrorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY);
    GoffThreads.awaitNone("goff-");
  }

  /** An endpoint where nothing answers as a relay does is not reported READY. */
  @Test
  void initialize_everyRouteNotFound_generalErrorSayingItIsNotARelayProxy() {
    relay.onFlagChanges(
        etag -> {
          throw new RelayHttpException(404, null, "Not Found");
        });
    relay.onEvaluate(
        (flagKey, context) -> {
          throw new RelayHttpException(404, null, "Not Found");
        });
    GoFeatureFlagProvider provider = provider();

    assertThatThrownBy(() -> provider.initialize(USER))
        .isInstanceOf(GeneralError.class)
        .isNotInstanceOf(FatalError.class)
        .hasMessageContaining("does not look like a GO Feature Flag relay proxy");
    assertThat(provider.getBooleanEvaluation("my-flag", false, USER).getErrorCode())
        .isEqualTo(ErrorCode.PROVIDER_NOT_READY);
  }

  @Test
  void initialize_everyRouteNotFound_healsOnceTheRelayAnswers() {
    AtomicBoolean relayUp = new AtomicBoolean();
    relay.onFlagChanges(
        etag -> {
          if (!relayUp.get()) {
            throw new RelayHttpException(404, null, "Not Found");
          }
          return FlagChanges.of("\"1-a\"", Map.of("my-flag", 1L));
        });
    relay.onEvaluate(
        (flagKey, context) -> {
          if (!relayUp.get()) {
            throw new RelayHttpException(404, null, "Not Found");
          }
          return Answers.cacheable(true, "on");
        });
    GoFeatureFlagProvider provider =
        provider(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));
    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(GeneralError.class);

    relayUp.set(true);

    await().until(() -> Boolean.TRUE.equals(provider.getBooleanEvaluation("my-flag", false, USER).getValue()));
  }

  /** Regression: one 404 from /v1/flag/change after start turned change detection off for good. */
  @Test
  void changeEndpointNotFoundOnceAfterStart_pollingGoesOnAndLaterChangesAreSeen() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    AtomicBoolean changed = new AtomicBoolean();
    relay.onFlagChanges(
        etag -> {
          if (polls.incrementAndGet() == 2) {
            throw new RelayHttpException(404, null, "Not Found");
          }
          return FlagChanges.of("\"1-a\"", Map.of("my-flag", changed.get() ? 2L : 1L));
        });
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        ready(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));
    provider.getStringEvaluation("my-flag", "red", USER);
    await().until(() -> polls.get() > 3);
    answer(Answers.cacheable("green", "g"));

    changed.set(true);

    await().until(() -> "green".equals(provider.getStringEvaluation("my-flag", "red", USER).getValue()));
  }

  /** Regression: a 401 on a later poll made the provider FATAL for good. */
  @Test
  void pollerSeesRefusedKey_errorNotFatal_thenReadyWhenTheKeyIsAcceptedAgain() {
    AtomicInteger polls = new AtomicInteger();
    AtomicBoolean refused = new AtomicBoolean();
    relay.onFlagChanges(
        etag -> {
          polls.incrementAndGet();
          if (refused.get()) {
            throw new RelayHttpException(401, null, "Unauthorized");
          }
          return FlagChanges.of("\"1-a\"", Map.of());
        });
    answer(Answers.notCacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        provider(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    List<ProviderEventDetails> errors = new CopyOnWriteArrayList<>();
    api.onProviderError(details -> errors.add(details));
    try {
      api.setProviderAndWait(provider);

      refused.set(true);
      await().until(() -> api.getClient().getProviderState() == ProviderState.ERROR);
      // The SDK sets the state before its event thread runs the handlers.
      await().until(() -> !errors.isEmpty());
      assertThat(errors.get(0).getMessage()).contains("API key");
      int pollsWhileRefused = polls.get();
      await().until(() -> polls.get() > pollsWhileRefused);

      refused.set(false);
      await().until(() -> api.getClient().getProviderState() == ProviderState.READY);
      assertThat(api.getClient().getStringValue("my-flag", "red", USER)).isEqualTo("blue");
    } finally {
      api.shutdown();
    }
  }

  /** Relays before v1.37.0 send only a top-level hash from /v1/flag/change. */
  @Test
  void hashOnlyRelay_hashChanged_cacheDroppedAndConfigurationChangedWithoutFlagList() {
    AtomicBoolean changed = new AtomicBoolean();
    relay.onFlagChanges(etag -> FlagChanges.hashOnly("\"1-a\"", changed.get() ? 2L : 1L));
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        provider(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    List<ProviderEventDetails> changes = new CopyOnWriteArrayList<>();
    api.onProviderConfigurationChanged(details -> changes.add(details));
    try {
      api.setProviderAndWait(provider);
      api.getClient().getStringValue("my-flag", "red", USER);
      answer(Answers.cacheable("green", "g"));

      changed.set(true);

      await().until(() -> !changes.isEmpty());
      assertThat(changes.get(0).getFlagsChanged()).isNullOrEmpty();
      assertThat(api.getClient().getStringValue("my-flag", "red", USER)).isEqualTo("green");
    } finally {
      api.shutdown();
    }
  }

  @Test
  void pollerFailing_evaluationsStillServedByTheRelay() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    relay.onFlagChanges(
        etag -> {
          if (polls.incrementAndGet() > 1) {
            throw unreachable();
          }
          return FlagChanges.of("\"1-a\"", Map.of());
        });
    answer(Answers.notCacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        ready(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));
    await().until(() -> polls.get() > 5); // stale after 3 failed polls

    assertThat(provider.getStringEvaluation("my-flag", "red", USER).getValue()).isEqualTo("blue");
  }

  // Evaluation results (GOFF-EVAL-*).

  @Test
  void evaluation_valueVariantReasonAndMetadataPassedThrough() throws Exception {
    answer(
        new RelayAnswer(
            "blue", "b", "TARGETING_MATCH_SPLIT", Map.of("description", "colour", "gofeatureflag_cacheable", true)));

    ProviderEvaluation<String> result = ready().getStringEvaluation("my-flag", "red", USER);

    assertThat(result.getValue()).isEqualTo("blue");
    assertThat(result.getVariant()).isEqualTo("b");
    assertThat(result.getReason()).isEqualTo("TARGETING_MATCH_SPLIT");
    assertThat(result.getFlagMetadata().getString("description")).isEqualTo("colour");
    assertThat(result.getFlagMetadata().getBoolean("gofeatureflag_cacheable")).isTrue();
    assertThat(result.getErrorCode()).isNull();
    assertThat(result.getErrorMessage()).isNull();
  }

  @Test
  void evaluation_contextSentToTheRelay() throws Exception {
    answer(Answers.notCacheable(true, "on"));

    ready().getBooleanEvaluation("my-flag", false, USER);

    assertThat(relay.evaluatedContexts().get(0).attributes())
        .containsOnly(Map.entry("targetingKey", "u1"), Map.entry("plan", "pro"));
  }

  @Test
  void disabledFlag_defaultWithReasonDisabledAndVariantSdkDefault() throws Exception {
    answer(new RelayAnswer(null, "SdkDefault", "DISABLED", Map.of("description", "off")));

    ProviderEvaluation<Boolean> result = ready().getBooleanEvaluation("disabled_bool", true, USER);

    assertThat(result.getValue()).isTrue();
    assertThat(result.getReason()).isEqualTo("DISABLED");
    assertThat(result.getVariant()).isEqualTo("SdkDefault");
    assertThat(result.getFlagMetadata().getString("description")).isEqualTo("off");
    assertThat(result.getErrorCode()).isNull();
  }

  /** Issue 11: a disabled answer served from the cache was reported CACHED (GOFF-EVAL-008). */
  @Test
  void disabledFlagAnsweredFromTheCache_staysDisabledWithTheDefault() throws Exception {
    answer(new RelayAnswer(null, "SdkDefault", "DISABLED", Map.of(RelayAnswer.CACHEABLE_KEY, true)));
    GoFeatureFlagProvider provider = ready();
    provider.getBooleanEvaluation("disabled_bool", true, USER);

    ProviderEvaluation<Boolean> cached = provider.getBooleanEvaluation("disabled_bool", true, USER);

    assertThat(relay.evaluatedFlags()).containsExactly("disabled_bool");
    assertThat(cached.getValue()).isTrue();
    assertThat(cached.getReason()).isEqualTo("DISABLED");
    assertThat(cached.getVariant()).isEqualTo("SdkDefault");
    assertThat(cached.getErrorCode()).isNull();
  }

  /** Issue 11: a disabled answer is a success, so its cache-hit event is not marked as failed. */
  @Test
  void disabledFlagAnsweredFromTheCache_eventNotMarkedFailed() throws Exception {
    answer(new RelayAnswer(null, "SdkDefault", "DISABLED", Map.of(RelayAnswer.CACHEABLE_KEY, true, "version", "v2")));
    GoFeatureFlagProvider provider = ready();
    provider.getBooleanEvaluation("disabled_bool", true, USER);
    provider.getBooleanEvaluation("disabled_bool", true, USER);

    List<JsonNode> events = eventsSentAtShutdown(provider);

    assertThat(events).hasSize(1);
    JsonNode event = events.get(0);
    assertThat(event.get("default").asBoolean()).isFalse();
    assertThat(event.get("variation").asText()).isEqualTo("SdkDefault");
    assertThat(event.get("value").asBoolean()).isTrue();
    assertThat(event.get("version").asText()).isEqualTo("v2");
    assertThat(event.get("source").asText()).isEqualTo("PROVIDER_CACHE");
  }

  /** Issue 11: a context that contains itself threw StackOverflowError into the application. */
  @Test
  void selfReferencingContext_invalidContextWithTheDefaultNeverThrows() throws Exception {
    answer(Answers.notCacheable(false, "off"));
    MutableStructure loop = new MutableStructure();
    loop.add("self", loop);
    MutableContext context = new MutableContext("u1");
    context.add("team", loop);

    ProviderEvaluation<Boolean> result = ready().getBooleanEvaluation("my-flag", true, context);

    assertThat(result.getValue()).isTrue();
    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.INVALID_CONTEXT);
    assertThat(result.getErrorMessage()).contains("team").contains("deeper than");
    assertThat(relay.evaluatedFlags()).isEmpty();
  }

  /** Issue 11: a context that contains itself threw StackOverflowError out of track. */
  @Test
  void track_selfReferencingContextOrDetails_droppedNeverThrows() throws Exception {
    GoFeatureFlagProvider provider = ready();
    List<Value> loop = new ArrayList<>();
    loop.add(new Value(loop));
    MutableContext context = new MutableContext("u1");
    context.add("loop", loop);
    MutableTrackingEventDetails details = new MutableTrackingEventDetails(1);
    MutableStructure self = new MutableStructure();
    self.add("self", self);
    details.add("self", self);

    assertThatCode(() -> provider.track("checkout", context, null)).doesNotThrowAnyException();
    assertThatCode(() -> provider.track("checkout", USER, details)).doesNotThrowAnyException();
    assertThat(eventsSentAtShutdown(provider)).isEmpty();
  }

  @Test
  void wrongType_typeMismatchWithTheDefault() throws Exception {
    answer(Answers.notCacheable("text", "t"));

    ProviderEvaluation<Boolean> result = ready().getBooleanEvaluation("my-flag", false, USER);

    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    assertThat(result.getValue()).isFalse();
  }

  @Test
  void unknownFlag_flagNotFoundWithTheDetails() throws Exception {
    ProviderEvaluation<String> result = ready().getStringEvaluation("nope", "fallback", USER);

    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
    assertThat(result.getErrorMessage()).isEqualTo("flag nope not found");
    assertThat(result.getValue()).isEqualTo("fallback");
  }

  @Test
  void longEvaluation_keepsAll64Bits() throws Exception {
    answer(Answers.notCacheable(9_007_199_254_740_993L, "big"));

    assertThat(ready().getLongEvaluation("my-flag", 0L, USER).getValue()).isEqualTo(9_007_199_254_740_993L);
  }

  @Test
  void relayThrowsRuntimeException_defaultWithGeneralNeverThrows() throws Exception {
    relay.onEvaluate(
        (flagKey, context) -> {
          throw new IllegalStateException("bug in the transport");
        });
    GoFeatureFlagProvider provider = ready();

    ProviderEvaluation<Boolean> result = provider.getBooleanEvaluation("my-flag", false, USER);

    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(result.getValue()).isFalse();
  }

  @Test
  void nullFlagKey_generalNeverThrows() throws Exception {
    assertThat(ready().getBooleanEvaluation(null, false, USER).getErrorCode()).isEqualTo(ErrorCode.GENERAL);
  }

  // Cache (GOFF-CACHE-*).

  /**
   * The SDK copies a list's items shallowly: a structure the application keeps and changes inside
   * a list item changes the "immutable" context. The next evaluation on the same thread, with the
   * same context object, must see the change (it was served the answer cached for the old values).
   */
  @Test
  void structureInsideAListItemChangedByTheApplication_answerForTheNewValues() throws Exception {
    relay.onEvaluate(
        (flagKey, context) -> {
          Map<?, ?> org = (Map<?, ?>) ((List<?>) context.get("orgs")).get(0);
          return Answers.cacheable(org.get("plan"), "by-plan");
        });
    GoFeatureFlagProvider provider = ready();
    MutableStructure org = new MutableStructure().add("plan", "free");
    EvaluationContext context = new ImmutableContext("u1", Map.of("orgs", new Value(List.of(new Value(org)))));

    String before = provider.getStringEvaluation("plan-flag", "none", context).getValue();
    org.add("plan", "pro");
    ProviderEvaluation<String> after = provider.getStringEvaluation("plan-flag", "none", context);

    assertThat(before).isEqualTo("free");
    assertThat(after.getValue()).isEqualTo("pro");
    assertThat(relay.evaluatedFlags()).hasSize(2);
  }

  /** A number of a mutable class in the context: a change to it is a new context, not a cache hit. */
  @Test
  void mutableNumberChangedByTheApplication_answerForTheNewValue() throws Exception {
    relay.onEvaluate((flagKey, context) -> Answers.cacheable(String.valueOf(context.get("score")), "by-score"));
    GoFeatureFlagProvider provider = ready();
    AtomicInteger score = new AtomicInteger(5);
    EvaluationContext context = new ImmutableContext("u1", Map.of("score", new Value((Object) score)));

    String before = provider.getStringEvaluation("score-flag", "none", context).getValue();
    score.set(6);
    String after = provider.getStringEvaluation("score-flag", "none", context).getValue();

    assertThat(before).isEqualTo("5.0");
    assertThat(after).isEqualTo("6.0");
  }


  @Test
  void secondEvaluationOfCacheableAnswer_cachedWithVariantAndMetadata() throws Exception {
    answer(Answers.cacheable("blue", "b", Map.of("description", "colour")));
    GoFeatureFlagProvider provider = ready();
    provider.getStringEvaluation("my-flag", "red", USER);

    ProviderEvaluation<String> second = provider.getStringEvaluation("my-flag", "red", USER);

    assertThat(second.getValue()).isEqualTo("blue");
    assertThat(second.getReason()).isEqualTo(Reason.CACHED.name());
    assertThat(second.getVariant()).isEqualTo("b");
    assertThat(second.getFlagMetadata().getString("description")).isEqualTo("colour");
    assertThat(second.getErrorCode()).isNull();
    assertThat(relay.evaluatedFlags()).containsExactly("my-flag");
  }

  @Test
  void cacheHit_recordsOneFeatureEventFromProviderCache() throws Exception {
    answer(Answers.cacheable("blue", "b", Map.of("version", "v3")));
    GoFeatureFlagProvider provider = ready();
    provider.getStringEvaluation("my-flag", "red", USER); // from the relay: the relay records it
    long before = System.currentTimeMillis() / 1000;
    provider.getStringEvaluation("my-flag", "red", USER); // from the cache: the provider records it
    long after = System.currentTimeMillis() / 1000;

    List<JsonNode> events = eventsSentAtShutdown(provider);

    assertThat(events).hasSize(1);
    JsonNode event = events.get(0);
    assertThat(event.get("creationDate").asLong()).isBetween(before, after);
    assertThat(event.get("kind").asText()).isEqualTo("feature");
    assertThat(event.get("source").asText()).isEqualTo("PROVIDER_CACHE");
    assertThat(event.get("key").asText()).isEqualTo("my-flag");
    assertThat(event.get("userKey").asText()).isEqualTo("u1");
    assertThat(event.get("contextKind").asText()).isEqualTo("user");
    assertThat(event.get("variation").asText()).isEqualTo("b");
    assertThat(event.get("value").asText()).isEqualTo("blue");
    assertThat(event.get("default").asBoolean()).isFalse();
    assertThat(event.get("version").asText()).isEqualTo("v3");
  }

  /**
   * GOFF-COLL-023: the relay records only the evaluation it served; a caller that waited for that
   * same call (single flight) is reported by the provider, like a cache hit.
   */
  @Test
  void callerThatWaitedForAnotherCallersRelayCall_isReportedToTheCollector() throws Exception {
    CountDownLatch inFlight = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    relay.onEvaluate(
        (flagKey, context) -> {
          inFlight.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Answers.cacheable("blue", "b");
        });
    GoFeatureFlagProvider provider = ready();
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      Future<ProviderEvaluation<String>> leader = callers.submit(() -> provider.getStringEvaluation("my-flag", "red", USER));
      assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();
      Future<ProviderEvaluation<String>> waiter = callers.submit(() -> provider.getStringEvaluation("my-flag", "red", USER));
      await().until(() -> provider.singleFlightWaiters() == 1);
      release.countDown();
      assertThat(leader.get().getValue()).isEqualTo("blue");
      assertThat(waiter.get().getValue()).isEqualTo("blue");
    } finally {
      callers.shutdownNow();
    }

    List<JsonNode> events = eventsSentAtShutdown(provider);
    assertThat(relay.evaluatedFlags()).containsExactly("my-flag");
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("source").asText()).isEqualTo("PROVIDER_CACHE");
  }

  /** GOFF-COLL-008: a cached answer handed out as the caller's default reports SdkDefault, default=true. */
  @Test
  void cacheHitOfTheWrongType_recordsEventWithSdkDefaultVariationAndDefaultTrue() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider = ready();
    provider.getStringEvaluation("my-flag", "red", USER);

    ProviderEvaluation<Boolean> mismatch = provider.getBooleanEvaluation("my-flag", false, USER);

    assertThat(mismatch.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
    JsonNode event = eventsSentAtShutdown(provider).get(0);
    assertThat(event.get("variation").asText()).isEqualTo("SdkDefault");
    assertThat(event.get("default").asBoolean()).isTrue();
    assertThat(event.get("value").asBoolean()).isFalse();
  }

  /** GOFF-COLL-008: a cached answer without a variant reports SdkDefault. */
  @Test
  void cacheHitWithoutVariant_recordsEventWithSdkDefaultVariation() throws Exception {
    answer(new RelayAnswer("blue", null, "STATIC", Map.of(RelayAnswer.CACHEABLE_KEY, true)));
    GoFeatureFlagProvider provider = ready();
    provider.getStringEvaluation("my-flag", "red", USER);
    provider.getStringEvaluation("my-flag", "red", USER);

    assertThat(eventsSentAtShutdown(provider).get(0).get("variation").asText()).isEqualTo("SdkDefault");
  }

  /** GOFF-CFG-009: cacheMaximumSize is honoured (Caffeine evicts synchronously here). */
  @Test
  void cacheMaximumSize_boundsTheNumberOfEntries() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider = ready(options -> options.cacheMaximumSize(2));
    for (int i = 0; i < 50; i++) {
      provider.getStringEvaluation("my-flag", "red", new ImmutableContext("user-" + i));
    }

    assertThat(provider.cache().estimatedSize()).isLessThanOrEqualTo(2);
  }

  /** GOFF-LIFE-006 (T2): after a failed, non-fatal start, nothing is asked of the relay. */
  @Test
  void afterAFailedStart_evaluationsAnswerNotReadyWithoutCallingTheRelay() {
    relay.onFlagChanges(
        etag -> {
          throw unreachable();
        });
    answer(Answers.cacheable(true, "on"));
    GoFeatureFlagProvider provider = provider();
    assertThatThrownBy(() -> provider.initialize(USER)).isInstanceOf(GeneralError.class);

    ProviderEvaluation<Boolean> result = provider.getBooleanEvaluation("my-flag", false, USER);

    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.PROVIDER_NOT_READY);
    assertThat(result.getValue()).isFalse();
    assertThat(relay.evaluatedFlags()).isEmpty();
  }

  @Test
  void notCacheableAnswer_askedEveryTimeAndNoFeatureEvent() throws Exception {
    answer(Answers.notCacheable("blue", "b"));
    GoFeatureFlagProvider provider = ready();
    provider.getStringEvaluation("my-flag", "red", USER);

    ProviderEvaluation<String> second = provider.getStringEvaluation("my-flag", "red", USER);

    assertThat(second.getReason()).isEqualTo("SPLIT");
    assertThat(relay.evaluatedFlags()).hasSize(2);
    assertThat(eventsSentAtShutdown(provider)).isEmpty();
  }

  @Test
  void flagChangedOnTheRelay_cachedAnswerDroppedAndAskedAgain() throws Exception {
    AtomicBoolean changed = new AtomicBoolean();
    relay.onFlagChanges(etag -> FlagChanges.of("\"1-a\"", Map.of("my-flag", changed.get() ? 2L : 1L)));
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        ready(options -> options.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));
    provider.getStringEvaluation("my-flag", "red", USER);
    assertThat(provider.getStringEvaluation("my-flag", "red", USER).getReason()).isEqualTo(Reason.CACHED.name());
    answer(Answers.cacheable("green", "g"));

    changed.set(true);

    await().until(() -> "green".equals(provider.getStringEvaluation("my-flag", "red", USER).getValue()));
  }

  @Test
  void cacheDisabled_relayAskedEveryTime() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider = ready(options -> options.cacheEnabled(false));
    provider.getStringEvaluation("my-flag", "red", USER);

    ProviderEvaluation<String> second = provider.getStringEvaluation("my-flag", "red", USER);

    assertThat(second.getReason()).isEqualTo("TARGETING_MATCH");
    assertThat(relay.evaluatedFlags()).hasSize(2);
  }

  /** The symptom of a cache keyed by a 32-bit hash: "Aa" and "BB" get each other's answer. */
  @Test
  void usersWithCollidingHashCodes_eachGetTheirOwnCachedAnswer() throws Exception {
    relay.onEvaluate((flagKey, context) -> Answers.cacheable("for-" + context.targetingKey(), context.targetingKey()));
    GoFeatureFlagProvider provider = ready();
    EvaluationContext aa = new ImmutableContext("Aa");
    EvaluationContext bb = new ImmutableContext("BB");
    provider.getStringEvaluation("my-flag", "", aa);
    provider.getStringEvaluation("my-flag", "", bb);

    assertThat(provider.getStringEvaluation("my-flag", "", aa).getValue()).isEqualTo("for-Aa");
    assertThat(provider.getStringEvaluation("my-flag", "", bb).getValue()).isEqualTo("for-BB");
  }

  @Test
  void cachedResults_areFreshObjectsUnaffectedByMutatingAnEarlierOne() throws Exception {
    answer(Answers.cacheable(Map.of("color", "blue"), "b", Map.of("description", "colour")));
    GoFeatureFlagProvider provider = ready();
    ProviderEvaluation<Value> fromRelay = provider.getObjectEvaluation("my-flag", new Value(), USER);
    ProviderEvaluation<Value> cached = provider.getObjectEvaluation("my-flag", new Value(), USER);
    for (ProviderEvaluation<Value> result : List.of(fromRelay, cached)) {
      result.setValue(new Value("tampered"));
      result.setVariant("tampered");
      result.setReason("TAMPERED");
      result.setFlagMetadata(ImmutableMetadata.builder().addString("description", "tampered").build());
    }

    ProviderEvaluation<Value> next = provider.getObjectEvaluation("my-flag", new Value(), USER);

    assertThat(next).isNotSameAs(cached);
    assertThat(next.getValue().asStructure()).isInstanceOf(ImmutableStructure.class);
    assertThat(next.getValue().asStructure().getValue("color").asString()).isEqualTo("blue");
    assertThat(next.getVariant()).isEqualTo("b");
    assertThat(next.getReason()).isEqualTo(Reason.CACHED.name());
    assertThat(next.getFlagMetadata().getString("description")).isEqualTo("colour");
  }

  @Test
  void cachedObjectValue_mutatingItsMapCopyDoesNotLeak() throws Exception {
    answer(Answers.cacheable(Map.of("color", "blue"), "b"));
    GoFeatureFlagProvider provider = ready();
    provider.getObjectEvaluation("my-flag", new Value(), USER);
    ProviderEvaluation<Value> cached = provider.getObjectEvaluation("my-flag", new Value(), USER);

    try {
      cached.getValue().asStructure().asMap().put("color", new Value("red"));
    } catch (UnsupportedOperationException immutable) {
      // Either way is fine: nothing may reach the next caller.
    }

    assertThat(provider.getObjectEvaluation("my-flag", new Value(), USER).getValue().asStructure().getValue("color").asString())
        .isEqualTo("blue");
  }

  @Test
  void ttlRanOutAndRelayUnreachable_staleAnswerServed() throws Exception {
    answer(Answers.cacheable("blue", "b", Map.of("description", "colour")));
    GoFeatureFlagProvider provider =
        ready(options -> options.cacheTtl(Duration.ofMillis(50)).cacheStaleGracePeriod(Duration.ofSeconds(10)));
    provider.getStringEvaluation("my-flag", "red", USER);
    relay.onEvaluate(
        (flagKey, context) -> {
          throw unreachable();
        });

    await().until(() -> "STALE".equals(provider.getStringEvaluation("my-flag", "red", USER).getReason()));

    ProviderEvaluation<String> stale = provider.getStringEvaluation("my-flag", "red", USER);
    assertThat(stale.getValue()).isEqualTo("blue");
    assertThat(stale.getVariant()).isEqualTo("b");
    assertThat(stale.getFlagMetadata().getString("description")).isEqualTo("colour");
    assertThat(stale.getErrorCode()).isNull();
  }

  @Test
  void ttlRanOutAndRelayAnswersAgain_freshAnswerReplacesTheCachedOne() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider = ready(options -> options.cacheTtl(Duration.ofMillis(50)));
    provider.getStringEvaluation("my-flag", "red", USER);
    answer(Answers.cacheable("green", "g"));

    await().until(() -> "green".equals(provider.getStringEvaluation("my-flag", "red", USER).getValue()));
  }

  @Test
  void pastTheGracePeriodAndRelayUnreachable_defaultWithGeneral() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        ready(options -> options.cacheTtl(Duration.ofMillis(50)).cacheStaleGracePeriod(Duration.ofMillis(100)));
    provider.getStringEvaluation("my-flag", "red", USER);
    relay.onEvaluate(
        (flagKey, context) -> {
          throw unreachable();
        });

    await().until(() -> provider.getStringEvaluation("my-flag", "red", USER).getErrorCode() == ErrorCode.GENERAL);

    assertThat(provider.getStringEvaluation("my-flag", "red", USER).getValue()).isEqualTo("red");
  }

  @Test
  void ttlRanOutAndFlagDeleted_flagNotFoundNotStale() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        ready(options -> options.cacheTtl(Duration.ofMillis(50)).cacheStaleGracePeriod(Duration.ofSeconds(10)));
    provider.getStringEvaluation("my-flag", "red", USER);
    relay.onEvaluate(
        (flagKey, context) -> {
          throw new RelayHttpException(404, "FLAG_NOT_FOUND", "flag my-flag not found");
        });

    await().until(
        () -> provider.getStringEvaluation("my-flag", "red", USER).getErrorCode() == ErrorCode.FLAG_NOT_FOUND);
  }

  /**
   * Issue 11: the entry looked up before the relay call was served STALE even though the flag
   * was invalidated (it changed on the relay) while the call was in flight.
   */
  @Test
  void flagInvalidatedWhileTheRelayCallWasInFlight_relayUnreachable_noStaleAnswer() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        ready(options -> options.cacheTtl(Duration.ofMillis(50)).cacheStaleGracePeriod(Duration.ofMinutes(5)));
    provider.getStringEvaluation("my-flag", "red", USER);
    CacheKey key = new CacheKey("my-flag", ContextSnapshot.of(USER));
    await().until(() -> !provider.cache().get(key).fresh());
    CountDownLatch inFlight = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    relay.onEvaluate(
        (flagKey, context) -> {
          inFlight.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw unreachable();
        });
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<ProviderEvaluation<String>> result = caller.submit(() -> provider.getStringEvaluation("my-flag", "red", USER));
      assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();

      provider.cache().invalidateFlags(List.of("my-flag")); // what the poller does on a change
      release.countDown();

      ProviderEvaluation<String> answer = result.get(5, TimeUnit.SECONDS);
      assertThat(answer.getReason()).isNotEqualTo("STALE");
      assertThat(answer.getValue()).isEqualTo("red");
      assertThat(answer.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void staleHit_recordsFeatureEvent() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider =
        ready(options -> options.cacheTtl(Duration.ofMillis(50)).cacheStaleGracePeriod(Duration.ofSeconds(10)));
    provider.getStringEvaluation("my-flag", "red", USER);
    relay.onEvaluate(
        (flagKey, context) -> {
          throw unreachable();
        });
    await().until(() -> "STALE".equals(provider.getStringEvaluation("my-flag", "red", USER).getReason()));

    List<JsonNode> events = eventsSentAtShutdown(provider);

    assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(event.get("source").asText()).isEqualTo("PROVIDER_CACHE"));
  }

  // Data collection and tracking (GOFF-COLL-011, GOFF-TRACK-*).

  @Test
  void envelopeMeta_providerJavaOpenfeatureTrueAndExporterMetadata() throws Exception {
    GoFeatureFlagProvider provider = ready(options -> options.exporterMetadata(Map.of("env", "prod", "shard", 3)));
    provider.track("checkout", USER, null);

    provider.shutdown();

    JsonNode meta = relay.deliveredEnvelopes().get(0).get("meta");
    assertThat(meta.get("provider").asText()).isEqualTo("java");
    assertThat(meta.get("openfeature").asBoolean()).isTrue();
    assertThat(meta.get("env").asText()).isEqualTo("prod");
    assertThat(meta.get("shard").asInt()).isEqualTo(3);
  }

  @Test
  void track_recordsTrackingEventWithContext() throws Exception {
    GoFeatureFlagProvider provider = ready();
    provider.track("checkout", USER, new MutableTrackingEventDetails());

    List<JsonNode> events = eventsSentAtShutdown(provider);

    assertThat(events).hasSize(1);
    JsonNode event = events.get(0);
    assertThat(event.get("kind").asText()).isEqualTo("tracking");
    assertThat(event.get("key").asText()).isEqualTo("checkout");
    assertThat(event.get("userKey").asText()).isEqualTo("u1");
    assertThat(event.get("contextKind").asText()).isEqualTo("user");
    assertThat(event.get("evaluationContext").get("plan").asText()).isEqualTo("pro");
    assertThat(event.get("creationDate").asLong()).isBetween(1_700_000_000L, 9_999_999_999L);
  }

  @Test
  void track_detailsIncludeTheNumericValue() throws Exception {
    GoFeatureFlagProvider provider = ready();
    provider.track("checkout", USER, new MutableTrackingEventDetails(99.5).add("currency", "EUR"));

    JsonNode details = eventsSentAtShutdown(provider).get(0).get("trackingEventDetails");

    assertThat(details.get("value").asDouble()).isEqualTo(99.5);
    assertThat(details.get("currency").asText()).isEqualTo("EUR");
  }

  @Test
  void track_nullDetails_neverThrowsAndRecordsEmptyDetails() throws Exception {
    GoFeatureFlagProvider provider = ready();

    assertThatCode(() -> provider.track("checkout", USER, null)).doesNotThrowAnyException();

    JsonNode details = eventsSentAtShutdown(provider).get(0).get("trackingEventDetails");
    assertThat(details.isObject()).isTrue();
    assertThat(details.size()).isZero();
  }

  @Test
  void track_nullContext_neverThrowsAndRecordsUndefinedTargetingKey() throws Exception {
    GoFeatureFlagProvider provider = ready();

    assertThatCode(() -> provider.track("checkout", null, null)).doesNotThrowAnyException();

    JsonNode event = eventsSentAtShutdown(provider).get(0);
    assertThat(event.get("userKey").asText()).isEqualTo("undefined-targetingKey");
    assertThat(event.get("contextKind").asText()).isEqualTo("user");
  }

  @Test
  void track_anonymousTrue_anonymousUser() throws Exception {
    GoFeatureFlagProvider provider = ready();
    provider.track("checkout", new ImmutableContext("u1", Map.of("anonymous", new Value(true))), null);

    assertThat(eventsSentAtShutdown(provider).get(0).get("contextKind").asText()).isEqualTo("anonymousUser");
  }

  @Test
  void track_anonymousAsString_stillUser() throws Exception {
    GoFeatureFlagProvider provider = ready();
    provider.track("checkout", new ImmutableContext("u1", Map.of("anonymous", new Value("true"))), null);

    assertThat(eventsSentAtShutdown(provider).get(0).get("contextKind").asText()).isEqualTo("user");
  }

  @Test
  void track_beforeInitialize_neverThrowsAndIsSent() {
    GoFeatureFlagProvider provider = provider();

    assertThatCode(() -> provider.track("early", USER, null)).doesNotThrowAnyException();

    assertThat(eventsSentAtShutdown(provider)).extracting(event -> event.get("key").asText()).containsExactly("early");
  }

  @Test
  void track_afterShutdown_neverThrows() {
    GoFeatureFlagProvider provider = provider();
    provider.shutdown();

    assertThatCode(() -> provider.track("late", USER, new MutableTrackingEventDetails(1))).doesNotThrowAnyException();
  }

  @Test
  void track_contextChangedAfterTheCall_eventKeepsTheContextOfTheCall() throws Exception {
    GoFeatureFlagProvider provider = ready();
    MutableContext context = new MutableContext("u1");
    context.add("plan", "free");
    provider.track("checkout", context, null);
    context.add("plan", "pro");

    assertThat(eventsSentAtShutdown(provider).get(0).get("evaluationContext").get("plan").asText()).isEqualTo("free");
  }

  @Test
  void dataCollectionDisabled_nothingSent() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider = ready(options -> options.disableDataCollection(true));
    provider.getStringEvaluation("my-flag", "red", USER);
    provider.getStringEvaluation("my-flag", "red", USER);
    provider.track("checkout", USER, null);

    provider.shutdown();

    assertThat(relay.sendAttempts()).isZero();
  }

  // Shutdown (GOFF-LIFE-004/005).

  @Test
  void shutdown_twice_closesTheRelayOnce() throws Exception {
    GoFeatureFlagProvider provider = ready();

    provider.shutdown();
    assertThatCode(provider::shutdown).doesNotThrowAnyException();

    assertThat(relay.closeCalls()).isEqualTo(1);
  }

  @Test
  void evaluationAfterShutdown_defaultWithoutException() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider = ready();
    provider.getStringEvaluation("my-flag", "red", USER);
    provider.shutdown();

    ProviderEvaluation<String> result = provider.getStringEvaluation("my-flag", "red", USER);

    assertThat(result.getValue()).isEqualTo("red");
    assertThat(result.getErrorCode()).isNotNull();
  }

  @Test
  void shutdown_leavesNoGoffThread() throws Exception {
    GoFeatureFlagProvider provider =
        ready(
            options ->
                options
                    .flagChangeDetection(FlagChangeDetection.STREAM)
                    .flagChangePollingInterval(Duration.ofMillis(20))
                    .dataFlushInterval(Duration.ofMillis(20)));
    provider.track("checkout", USER, null);
    await().until(() -> relay.flagChangeCalls() >= 3 && relay.sendAttempts() >= 1);

    provider.shutdown();

    GoffThreads.awaitNone("goff-");
  }

  @Test
  void shutdown_flushesPendingEventsWithinTheSdkWindow() throws Exception {
    GoFeatureFlagProvider provider = ready();
    for (int i = 0; i < 100; i++) {
      provider.track("event-" + i, USER, null);
    }

    long started = System.nanoTime();
    provider.shutdown();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(relay.deliveredEvents()).hasSize(100);
  }

  @Test
  void shutdown_clearsTheCache() throws Exception {
    answer(Answers.cacheable("blue", "b"));
    GoFeatureFlagProvider provider = ready();
    provider.getStringEvaluation("my-flag", "red", USER);

    provider.shutdown();

    assertThat(provider.cache().estimatedSize()).isZero();
  }

  @Test
  void trackingDetails_callerObjectUntouched() throws Exception {
    GoFeatureFlagProvider provider = ready();
    MutableTrackingEventDetails details = new MutableTrackingEventDetails(5).add("currency", "EUR");
    Map<String, Object> before = new HashMap<>(details.asObjectMap());

    provider.track("checkout", USER, details);

    assertThat(details.asObjectMap()).isEqualTo(before);
  }
}
