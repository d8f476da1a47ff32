package dev.flagrelay.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.flagrelay.it.WireMockRelay.COLLECTOR_PATH;
import static dev.flagrelay.it.WireMockRelay.ETAG;
import static dev.flagrelay.it.WireMockRelay.EVALUATE_PATH;
import static dev.flagrelay.it.WireMockRelay.FLAG_CHANGE_PATH;
import static dev.flagrelay.it.WireMockRelay.cacheable;
import static dev.flagrelay.it.WireMockRelay.notCacheable;
import static dev.flagrelay.it.WireMockRelay.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.OpenFeatureError;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider's life around evaluations, against a WireMock relay: initialization outcomes,
 * flag-change polling and the events it drives, and what reaches the data collector.
 */
@ExtendWith(LeakCheck.class)
class WireMockLifecycleIT {
  private static final EvaluationContext USER = new ImmutableContext("user-1");
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private static WireMockRelay relay;
  private OpenFeatureAPI api;
  private RecordedEvents events;

  @BeforeAll
  static void startServer() {
    relay = new WireMockRelay();
  }

  @AfterAll
  static void stopServer() {
    relay.close();
  }

  @BeforeEach
  void reset() {
    relay.reset();
    api = OpenFeatureAPI.createIsolated();
    events = RecordedEvents.attachTo(api);
  }

  @AfterEach
  void shutDownApi() {
    api.shutdown();
  }

  private static GoFeatureFlagProviderOptions.Builder options() {
    return GoFeatureFlagProviderOptions.builder().endpoint(relay.baseUrl()).timeout(Duration.ofSeconds(2));
  }

  private Client connect(UnaryOperator<GoFeatureFlagProviderOptions.Builder> customise) {
    api.setProviderAndWait(new GoFeatureFlagProvider(customise.apply(options()).build()));
    return api.getClient();
  }

  private void stubFlagChange(ResponseDefinitionBuilder response) {
    relay.server().stubFor(get(urlEqualTo(FLAG_CHANGE_PATH)).willReturn(response));
  }

  private void stubFlagChangeFor(String ifNoneMatch, ResponseDefinitionBuilder response) {
    relay.server().stubFor(
        get(urlEqualTo(FLAG_CHANGE_PATH)).withHeader("If-None-Match", equalTo(ifNoneMatch)).willReturn(response));
  }

  private static ResponseDefinitionBuilder flagHashes(String flagsJson, String etag) {
    return okJson("{\"hash\":" + flagsJson.hashCode() + ",\"flags\":" + flagsJson + "}").withHeader("ETag", etag);
  }

  private int flagChangePolls() {
    return relay.flagChangeRequests().size();
  }

  // ---- initialization ----

  @Test
  void initialization_flagChangeRefusedWith403_providerIsFatal() {
    stubFlagChange(status(403, null));

    assertThatThrownBy(() -> connect(o -> o.apiKey("k")))
        .isInstanceOf(OpenFeatureError.class)
        .satisfies(e -> assertThat(((OpenFeatureError) e).getErrorCode()).isEqualTo(ErrorCode.PROVIDER_FATAL));
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.FATAL);
  }

  @Test
  void initialization_refusedKey_pollingNeverStarts() {
    stubFlagChange(status(401, null));

    assertThatThrownBy(() -> connect(o -> o.flagChangePollingInterval(POLL))).isInstanceOf(OpenFeatureError.class);

    await("no poll after a refused key")
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(() -> flagChangePolls() == 1);
  }

  @Test
  void initialization_relayFailsWith500_providerIsInErrorThenReadyWhenRelayHeals() {
    stubFlagChange(status(500, "{\"message\":\"starting\"}"));

    assertThatThrownBy(() -> connect(o -> o.flagChangePollingInterval(POLL)))
        .isInstanceOf(OpenFeatureError.class)
        .satisfies(e -> assertThat(((OpenFeatureError) e).getErrorCode()).isNotEqualTo(ErrorCode.PROVIDER_FATAL));
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);
    stubFlagChange(WireMockRelay.flagChangeAnswer());

    await("READY once the relay answers").atMost(DEADLINE)
        .until(() -> api.getClient().getProviderState() == ProviderState.READY);
    assertThat(events.types()).containsSubsequence(ProviderEvent.PROVIDER_ERROR, ProviderEvent.PROVIDER_READY);
    assertThat(events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)).as("first baseline is no change").isEmpty();
  }

  @Test
  void initialization_relaySlowerThanTimeout_failsFastAndProviderIsInError() {
    stubFlagChange(WireMockRelay.flagChangeAnswer().withFixedDelay(3_000));

    long started = System.nanoTime();
    assertThatThrownBy(() -> connect(o -> o.timeout(Duration.ofMillis(300)))).isInstanceOf(OpenFeatureError.class);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2_500)); // Not the 3 s delay.
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);
  }

  @Test
  void initialization_relayWithoutFlagChangeEndpoint_isReadyAndStopsPolling() {
    stubFlagChange(status(404, "{\"message\":\"Not Found\"}"));
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));
    relay.stubUnknownFlagsNotFound(); // How an older relay answers the start-up probe.

    Client client = connect(o -> o.flagChangePollingInterval(POLL));

    assertThat(client.getProviderState()).isEqualTo(ProviderState.READY);
    assertThat(client.getBooleanDetails("my-flag", false, USER).getValue()).isTrue();
    await("polling to stop on a relay without /v1/flag/change")
        .during(Duration.ofMillis(600))
        .atMost(Duration.ofSeconds(2))
        .until(() -> flagChangePolls() <= 2);
  }

  /** An endpoint where every route is a bare 404 is not a relay: not READY, and heals once one answers. */
  @Test
  void initialization_everyRouteNotFound_errorSayingNotARelayProxy_thenReadyWhenTheRelayAnswers() {
    stubFlagChange(status(404, "{\"message\":\"Not Found\"}"));

    assertThatThrownBy(() -> connect(o -> o.flagChangePollingInterval(POLL)))
        .isInstanceOf(OpenFeatureError.class)
        .hasMessageContaining("does not look like a GO Feature Flag relay proxy")
        .satisfies(e -> assertThat(((OpenFeatureError) e).getErrorCode()).isNotEqualTo(ErrorCode.PROVIDER_FATAL));
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);
    stubFlagChange(WireMockRelay.flagChangeAnswer());

    await("READY once the relay answers").atMost(DEADLINE)
        .until(() -> api.getClient().getProviderState() == ProviderState.READY);
  }

  /** Regression: OkHttp's NumberFormatException on this header left the provider INITIALIZING forever. */
  @Test
  void initialization_503WithRetryAfterBeyondAnInt_errorNotStuck_thenReadyWhenRelayHeals() {
    stubFlagChange(status(503, null).withHeader("Retry-After", "99999999999"));

    assertThatThrownBy(() -> connect(o -> o.flagChangePollingInterval(POLL)))
        .isInstanceOf(OpenFeatureError.class)
        .satisfies(e -> assertThat(((OpenFeatureError) e).getErrorCode()).isNotEqualTo(ErrorCode.PROVIDER_FATAL));
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);
    assertThat(flagChangePolls()).isEqualTo(1);
    stubFlagChange(WireMockRelay.flagChangeAnswer());

    await("READY once the relay answers").atMost(DEADLINE)
        .until(() -> api.getClient().getProviderState() == ProviderState.READY);
  }

  @Test
  void initialization_readyEventIsNotFollowedByConfigurationChanged() {
    connect(o -> o.flagChangePollingInterval(POLL));

    await("a few polls").atMost(DEADLINE).until(() -> flagChangePolls() >= 4);

    assertThat(events.types()).containsExactly(ProviderEvent.PROVIDER_READY);
  }

  @Test
  void sameProviderForTwoDomains_initializesOnceWithOnePoller() {
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options().build());

    api.setProviderAndWait("first", provider);
    api.setProviderAndWait("second", provider);

    assertThat(flagChangePolls()).isEqualTo(1);
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> thread.getName().equals("goff-flag-poller"))
        .hasSize(1);
    assertThat(api.getClient("second").getProviderState()).isEqualTo(ProviderState.READY);
  }

  // ---- flag-change polling ----

  @Test
  void poll_echoesEtagVerbatimAndNotModifiedEmitsNothing() {
    stubFlagChangeFor(ETAG, aResponse().withStatus(304));
    connect(o -> o.flagChangePollingInterval(POLL));

    await("a poll with the ETag").atMost(DEADLINE)
        .until(() -> relay.requests(getRequestedFor(urlEqualTo(FLAG_CHANGE_PATH))
            .withHeader("If-None-Match", equalTo(ETAG))).size() >= 2);

    relay.server().verify(1, getRequestedFor(urlEqualTo(FLAG_CHANGE_PATH)).withHeader("If-None-Match", absent()));
    assertThat(events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)).isEmpty();
  }

  @Test
  void poll_changedHashes_emitsConfigurationChangedWithExactlyChangedFlagsAndDropsTheirCache() {
    stubFlagChange(flagHashes("{\"a\":1,\"b\":2,\"c\":3}", "\"e1\""));
    stubFlagChangeFor("\"e1\"", aResponse().withStatus(304));
    relay.stubEvaluation("a", cacheable("a", "\"a1\""));
    relay.stubEvaluation("b", cacheable("b", "\"b1\""));
    Client client = connect(o -> o.flagChangePollingInterval(POLL));
    client.getStringDetails("a", "default", USER);
    client.getStringDetails("b", "default", USER);

    relay.stubEvaluation("b", cacheable("b", "\"b2\""));
    stubFlagChangeFor("\"e2\"", aResponse().withStatus(304));
    stubFlagChangeFor("\"e1\"", flagHashes("{\"a\":1,\"b\":20,\"d\":4}", "\"e2\""));
    await("PROVIDER_CONFIGURATION_CHANGED").atMost(DEADLINE)
        .until(() -> !events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED).isEmpty());

    assertThat(events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)).singleElement()
        .satisfies(details -> assertThat(details.getFlagsChanged()).containsExactlyInAnyOrder("b", "c", "d"));
    FlagEvaluationDetails<String> a = client.getStringDetails("a", "default", USER);
    FlagEvaluationDetails<String> b = client.getStringDetails("b", "default", USER);
    assertThat(a.getReason()).as("unchanged flag stays cached").isEqualTo("CACHED");
    assertThat(b.getValue()).isEqualTo("b2");
    assertThat(b.getReason()).isEqualTo("TARGETING_MATCH");
  }

  /** Regression: a refused key on a later poll made the provider FATAL for good. */
  @Test
  void poll_refusedKeyAfterReady_providerInErrorNotFatal_pollingGoesOn_thenReadyWhenAccepted() {
    Client client = connect(o -> o.flagChangePollingInterval(POLL));

    stubFlagChange(status(401, "{\"message\":\"Invalid API key\"}"));
    await("ERROR after the relay refused the key").atMost(DEADLINE)
        .until(() -> client.getProviderState() == ProviderState.ERROR);
    int pollsWhenRefused = flagChangePolls();
    await("polling goes on").atMost(DEADLINE).until(() -> flagChangePolls() > pollsWhenRefused);
    stubFlagChange(WireMockRelay.flagChangeAnswer());

    await("READY once the key is accepted").atMost(DEADLINE)
        .until(() -> client.getProviderState() == ProviderState.READY);
    assertThat(events.of(ProviderEvent.PROVIDER_ERROR)).singleElement()
        .satisfies(details -> assertThat(details.getMessage()).containsIgnoringCase("API key"));
    assertThat(events.types())
        .containsExactly(ProviderEvent.PROVIDER_READY, ProviderEvent.PROVIDER_ERROR, ProviderEvent.PROVIDER_READY);
  }

  @Test
  void poll_threeFailuresInARow_providerTurnsStaleAndKeepsServing_thenReady() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));
    Client client = connect(o -> o.flagChangePollingInterval(POLL));

    stubFlagChange(status(503, null));
    await("STALE after three failed polls").atMost(DEADLINE)
        .until(() -> client.getProviderState() == ProviderState.STALE);
    FlagEvaluationDetails<Boolean> whileStale = client.getBooleanDetails("my-flag", false, USER);
    stubFlagChange(WireMockRelay.flagChangeAnswer());
    await("READY once polls succeed again").atMost(DEADLINE)
        .until(() -> client.getProviderState() == ProviderState.READY);

    assertThat(whileStale.getValue()).isTrue();
    assertThat(whileStale.getErrorCode()).isNull();
    assertThat(events.types())
        .containsExactly(ProviderEvent.PROVIDER_READY, ProviderEvent.PROVIDER_STALE, ProviderEvent.PROVIDER_READY);
  }

  // ---- data collector ----

  @Test
  void cacheHit_isSentToCollectorOnShutdownWithMetaAndEventFields() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "\"v1\""));
    Client client = connect(o -> o.exporterMetadata(Map.of("env", "it")).apiKey("secret-key").header("X-Tenant", "acme"));
    client.getStringDetails("my-flag", "default", USER);
    client.getStringDetails("my-flag", "default", USER);

    api.shutdown();

    relay.server().verify(1, postRequestedFor(urlEqualTo(COLLECTOR_PATH))
        .withHeader("Authorization", equalTo("Bearer secret-key"))
        .withHeader("X-Tenant", equalTo("acme"))
        .withRequestBody(equalToJson("""
            {"meta": {"provider": "java", "openfeature": true, "env": "it"},
             "events": [{"kind": "feature", "contextKind": "user", "userKey": "user-1",
               "creationDate": "${json-unit.any-number}", "key": "my-flag", "variation": "on",
               "value": "v1", "default": false, "version": "", "source": "PROVIDER_CACHE"}]}""", false, false)));
  }

  @Test
  void cacheHit_anonymousUserWithoutTargetingKey_hasAnonymousKindAndUndefinedKey() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "true"));
    EvaluationContext anonymous = new ImmutableContext(Map.of("anonymous", new Value(true)));
    Client client = connect(UnaryOperator.identity());
    client.getBooleanDetails("my-flag", false, anonymous);
    client.getBooleanDetails("my-flag", false, anonymous);

    api.shutdown();

    relay.server().verify(1, postRequestedFor(urlEqualTo(COLLECTOR_PATH))
        .withRequestBody(equalToJson("""
            {"events": [{"contextKind": "anonymousUser", "userKey": "undefined-targetingKey"}]}""", false, true)));
  }

  @Test
  void cacheHits_areFlushedPeriodically() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "true"));
    Client client = connect(o -> o.dataFlushInterval(Duration.ofMillis(200)));
    client.getBooleanDetails("my-flag", false, USER);
    client.getBooleanDetails("my-flag", false, USER);

    await("a periodic flush").atMost(DEADLINE).until(() -> !relay.collectorRequests().isEmpty());
  }

  @Test
  void maxPendingEventsReached_flushesBeforeTheInterval() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "true"));
    Client client = connect(o -> o.maxPendingEvents(2));
    client.getBooleanDetails("my-flag", false, USER);
    client.getBooleanDetails("my-flag", false, USER);
    client.getBooleanDetails("my-flag", false, USER);

    await("an early flush, long before the 60 s interval").atMost(DEADLINE)
        .until(() -> !relay.collectorRequests().isEmpty());
  }

  @Test
  void remoteEvaluations_sendNoFeatureEvents() {
    relay.stubEvaluation("my-flag", notCacheable("my-flag", "true"));
    Client client = connect(UnaryOperator.identity());
    client.getBooleanDetails("my-flag", false, USER);
    client.getBooleanDetails("my-flag", false, USER);

    api.shutdown();

    assertThat(relay.collectorRequests()).isEmpty();
  }

  @Test
  void dataCollectorBaseUrl_collectorRequestsGoThereAndEvaluationsStayOnEndpoint() {
    relay.stubCollector("/collector");
    relay.stubEvaluation("my-flag", cacheable("my-flag", "true"));
    Client client = connect(o -> o.dataCollectorBaseUrl(relay.baseUrl() + "/collector/").apiKey("secret-key"));
    client.getBooleanDetails("my-flag", false, USER);
    client.getBooleanDetails("my-flag", false, USER);

    api.shutdown();

    relay.server().verify(1, postRequestedFor(urlEqualTo("/collector" + COLLECTOR_PATH))
        .withHeader("Authorization", equalTo("Bearer secret-key")));
    relay.server().verify(0, postRequestedFor(urlEqualTo(COLLECTOR_PATH)));
    relay.server().verify(1, postRequestedFor(urlEqualTo(EVALUATE_PATH + "my-flag")));
  }

  @Test
  void trackingEvent_isSentWithDetailsValueAndContext() {
    Client client = connect(UnaryOperator.identity());
    EvaluationContext context = new ImmutableContext("user-1", Map.of("plan", new Value("pro")));

    client.track("checkout", context, new MutableTrackingEventDetails(99.5).add("currency", "EUR"));
    api.shutdown();

    relay.server().verify(1, postRequestedFor(urlEqualTo(COLLECTOR_PATH))
        .withRequestBody(equalToJson("""
            {"meta": {"provider": "java", "openfeature": true},
             "events": [{"kind": "tracking", "contextKind": "user", "userKey": "user-1",
               "creationDate": "${json-unit.any-number}", "key": "checkout",
               "evaluationContext": {"targetingKey": "user-1", "plan": "pro"},
               "trackingEventDetails": {"value": 99.5, "currency": "EUR"}}]}""", false, false)));
  }

  @Test
  void trackingWithoutDetails_isSentWithEmptyDetails() {
    Client client = connect(UnaryOperator.identity());

    client.track("signup", USER);
    api.shutdown();

    relay.server().verify(1, postRequestedFor(urlEqualTo(COLLECTOR_PATH))
        .withRequestBody(equalToJson("""
            {"events": [{"kind": "tracking", "key": "signup", "trackingEventDetails": {}}]}""", false, true)));
  }

  @Test
  void dataCollectionDisabled_nothingIsSent() {
    relay.stubEvaluation("my-flag", cacheable("my-flag", "true"));
    Client client = connect(o -> o.disableDataCollection(true).dataFlushInterval(Duration.ofMillis(100)));
    client.getBooleanDetails("my-flag", false, USER);
    client.getBooleanDetails("my-flag", false, USER);
    client.track("checkout", USER);

    api.shutdown();

    assertThat(relay.collectorRequests()).isEmpty();
  }

  @Test
  void collectorFailsOnce_batchIsSentAgainWithTheNextFlush() {
    relay.server().stubFor(post(urlEqualTo(COLLECTOR_PATH)).inScenario("collector").whenScenarioStateIs(STARTED)
        .willReturn(status(503, null)).willSetStateTo("up"));
    relay.server().stubFor(post(urlEqualTo(COLLECTOR_PATH)).inScenario("collector").whenScenarioStateIs("up")
        .willReturn(okJson("{\"ingestedContentCount\":1}")));
    relay.stubEvaluation("my-flag", cacheable("my-flag", "true"));
    Client client = connect(o -> o.dataFlushInterval(Duration.ofMillis(200)));
    client.getBooleanDetails("my-flag", false, USER);
    client.getBooleanDetails("my-flag", false, USER);

    await("a second flush").atMost(DEADLINE).until(() -> relay.collectorRequests().size() >= 2);

    assertThat(relay.collectorRequests().get(1).getBodyAsString())
        .isEqualTo(relay.collectorRequests().get(0).getBodyAsString());
  }

  @Test
  void shutdown_hangingCollector_returnsWithinSdkWindow() {
    relay.server().stubFor(post(urlEqualTo(COLLECTOR_PATH)).willReturn(okJson("{}").withFixedDelay(10_000)));
    relay.stubEvaluation("my-flag", cacheable("my-flag", "true"));
    Client client = connect(o -> o.timeout(Duration.ofSeconds(10)));
    client.getBooleanDetails("my-flag", false, USER);
    client.getBooleanDetails("my-flag", false, USER);

    long started = System.nanoTime();
    api.shutdown();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3_500));
  }
}
