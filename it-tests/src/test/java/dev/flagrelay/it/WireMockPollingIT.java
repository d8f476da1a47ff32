package dev.flagrelay.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Flag-change polling against a WireMock relay: events, targeted invalidation, outages. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class WireMockPollingIT {
  private static final String CHANGE_PATH = "/v1/flag/change";
  private static final ImmutableContext USER = new ImmutableContext("user-1");

  private final WireMockServer relay = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
  private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
  private final List<EventDetails> changes = new CopyOnWriteArrayList<>();
  private final List<EventDetails> stale = new CopyOnWriteArrayList<>();
  private final List<EventDetails> ready = new CopyOnWriteArrayList<>();
  private final List<EventDetails> errors = new CopyOnWriteArrayList<>();
  private StubMapping changeStub;

  @BeforeEach
  void setUp() {
    relay.start();
    api.onProviderConfigurationChanged(changes::add);
    api.onProviderStale(stale::add);
    api.onProviderReady(ready::add);
    api.onProviderError(errors::add);
    stubFlag("flag-a", "A1");
    stubFlag("flag-b", "B1");
  }

  @AfterEach
  void tearDown() {
    api.shutdown();
    relay.stop();
  }

  @Test
  void firstLoadAndUnchangedPolls_emitNoChangeEvent_andEchoTheEtagVerbatim() {
    stubChanges(200, "\"12-abc\"", "{\"hash\":1,\"flags\":{\"flag-a\":1}}");
    relay.stubFor(
        get(CHANGE_PATH).withHeader("If-None-Match", equalTo("\"12-abc\"")).willReturn(aResponse().withStatus(304)));
    start(Duration.ofMillis(50));

    await().until(() -> relay.countRequestsMatching(getRequestedFor(urlEqualTo(CHANGE_PATH)).build()).getCount() >= 4);

    relay.verify(
        getRequestedFor(urlEqualTo(CHANGE_PATH)).withHeader("If-None-Match", equalTo("\"12-abc\"")));
    assertThat(changes).isEmpty();
  }

  @Test
  void changedFlags_areInvalidatedAndListedInFlagsChanged_othersStayCached() {
    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{\"flag-a\":1,\"flag-b\":1}}");
    Client client = start(Duration.ofMillis(50));
    client.getStringDetails("flag-a", "x", USER);
    client.getStringDetails("flag-b", "x", USER);
    assertThat(client.getStringDetails("flag-b", "x", USER).getReason()).isEqualTo("CACHED");

    stubFlag("flag-b", "B2");
    stubChanges(200, "\"e2\"", "{\"hash\":2,\"flags\":{\"flag-a\":1,\"flag-b\":2,\"flag-c\":3}}");

    await().until(() -> !changes.isEmpty());
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).getFlagsChanged()).containsExactly("flag-b", "flag-c");
    assertThat(changes.get(0).getProviderName()).isEqualTo("GO Feature Flag Provider"); // GOFF-META-003
    assertThat(client.getStringDetails("flag-a", "x", USER).getReason()).isEqualTo("CACHED");
    FlagEvaluationDetails<String> b = client.getStringDetails("flag-b", "x", USER);
    assertThat(b.getValue()).isEqualTo("B2");
    assertThat(b.getReason()).isEqualTo("TARGETING_MATCH");
  }

  @Test
  void threeFailedPolls_emitStale_cachedAnswersKeepFlowing_thenReadyOnRecovery() {
    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{\"flag-a\":1}}");
    Client client = start(Duration.ofMillis(50));
    client.getStringDetails("flag-a", "x", USER);

    LogCapture log = LogCapture.start();
    stubChanges(500, null, "{\"message\":\"boom\"}");
    relay.stubFor(post(urlEqualTo("/ofrep/v1/evaluate/flags/flag-a")).willReturn(aResponse().withStatus(503)));
    await().until(() -> !stale.isEmpty());
    log.close();
    assertThat(log.text()).contains("flag-change poll failed").contains("HTTP 500"); // GOFF-ERR-005

    assertThat(relay.countRequestsMatching(getRequestedFor(urlEqualTo(CHANGE_PATH)).build()).getCount())
        .isGreaterThanOrEqualTo(4);
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.STALE);
    FlagEvaluationDetails<String> during = client.getStringDetails("flag-a", "x", USER);
    assertThat(during.getValue()).isEqualTo("A1");
    assertThat(during.getReason()).isEqualTo("CACHED");

    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{\"flag-a\":1}}");
    await().until(() -> !ready.isEmpty());
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.READY);
    assertThat(stale).hasSize(1);
    assertThat(changes).isEmpty();
  }

  @Test
  void pollsThatTimeOut_countAsFailures() {
    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{}}");
    start(Duration.ofMillis(50));

    relay.stubFor(get(CHANGE_PATH).willReturn(okJson("{\"hash\":1,\"flags\":{}}").withFixedDelay(1_000)));

    await().until(() -> !stale.isEmpty());
  }

  @Test
  void relayWithoutChangeEndpoint_isReady_andPollingStops() {
    stubChanges(404, null, "{\"message\":\"Not Found\"}");
    stubUnknownFlagsNotFound(); // How an older relay answers the start-up probe.
    Client client = start(Duration.ofMillis(20));

    assertThat(client.getStringDetails("flag-a", "x", USER).getValue()).isEqualTo("A1");
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> relay.countRequestsMatching(getRequestedFor(urlEqualTo(CHANGE_PATH)).build()).getCount() == 1);
  }

  /** Regression: a refused key on a later poll made the provider FATAL and stopped polling for good. */
  @Test
  void unauthorizedWhilePolling_errorNotFatal_pollingGoesOn_thenReadyWhenTheKeyIsAccepted() {
    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{}}");
    start(Duration.ofMillis(30));

    stubChanges(401, null, "{\"message\":\"invalid key\"}");
    await().until(() -> !errors.isEmpty());

    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);
    assertThat(errors.get(0).getMessage()).contains("API key");
    long polls = changePolls();
    await().until(() -> changePolls() > polls);

    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{}}");
    await().until(() -> api.getClient().getProviderState() == ProviderState.READY);
    assertThat(api.getClient().getStringDetails("flag-a", "x", USER).getValue()).isEqualTo("A1");
    assertThat(errors).hasSize(1);
  }

  /** Regression: one 404 from /v1/flag/change (a gateway blip) turned change detection off for good. */
  @Test
  void notFoundWhilePolling_countsAsAFailedPoll_staleThenReady_andLaterChangesAreSeen() {
    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{\"flag-a\":1}}");
    Client client = start(Duration.ofMillis(30));
    client.getStringDetails("flag-a", "x", USER);

    stubChanges(404, null, "{\"message\":\"Not Found\"}");
    await().until(() -> api.getClient().getProviderState() == ProviderState.STALE);
    stubFlag("flag-a", "A2");
    stubChanges(200, "\"e2\"", "{\"hash\":2,\"flags\":{\"flag-a\":2}}");

    await().until(() -> !changes.isEmpty());
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.READY);
    assertThat(changes.get(0).getFlagsChanged()).containsExactly("flag-a");
    assertThat(client.getStringDetails("flag-a", "x", USER).getValue()).isEqualTo("A2");
  }

  /** Regression: OkHttp threw NumberFormatException on this header; the poll must count as failed. */
  @Test
  void pollAnswered503WithRetryAfterBeyondAnInt_countsAsAFailedPoll() {
    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{}}");
    start(Duration.ofMillis(30));

    var unavailable = aResponse().withStatus(503).withHeader("Retry-After", "99999999999");
    relay.removeStub(changeStub);
    changeStub = relay.stubFor(get(CHANGE_PATH).atPriority(5).willReturn(unavailable));

    await().until(() -> !stale.isEmpty());
  }

  /** Relays before v1.37.0 answer only {"hash": n}: a new hash drops every cached answer. */
  @Test
  void hashOnlyRelay_hashChanged_everyCachedAnswerDropped_configurationChangedWithoutFlagList() {
    stubChanges(200, "\"e1\"", "{\"hash\":1}");
    Client client = start(Duration.ofMillis(30));
    client.getStringDetails("flag-a", "x", USER);
    client.getStringDetails("flag-b", "x", USER);
    assertThat(client.getStringDetails("flag-a", "x", USER).getReason()).isEqualTo("CACHED");
    stubFlag("flag-a", "A2");
    stubFlag("flag-b", "B2");

    stubChanges(200, "\"e2\"", "{\"hash\":2}");

    await().until(() -> !changes.isEmpty());
    assertThat(changes.get(0).getFlagsChanged()).isNullOrEmpty();
    assertThat(client.getStringDetails("flag-a", "x", USER).getValue()).isEqualTo("A2");
    assertThat(client.getStringDetails("flag-b", "x", USER).getValue()).isEqualTo("B2");
  }

  @Test
  void initializeWhileRelayIsDown_errors_thenBecomesReadyWhenItAnswers() {
    stubChanges(503, null, "{\"message\":\"unavailable\"}");
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options(Duration.ofMillis(50)));

    assertThatThrownBy(() -> api.setProviderAndWait(provider)).isNotNull();
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);

    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{\"flag-a\":1}}");
    await().until(() -> !ready.isEmpty());
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.READY);
    assertThat(api.getClient().getStringDetails("flag-a", "x", USER).getValue()).isEqualTo("A1");
    assertThat(changes).isEmpty();
  }

  @Test
  void invalidationDuringAnInFlightRequest_doesNotCacheTheOldAnswer() throws Exception {
    stubChanges(200, "\"e1\"", "{\"hash\":1,\"flags\":{\"flag-a\":1}}");
    api.setProviderAndWait(
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint(relay.baseUrl())
                .timeout(Duration.ofSeconds(5))
                .flagChangePollingInterval(Duration.ofMillis(50))
                .disableDataCollection(true)
                .build()));
    Client client = api.getClient();
    relay.stubFor(
        post(urlEqualTo("/ofrep/v1/evaluate/flags/flag-a"))
            .willReturn(okJson(answer("flag-a", "A1")).withFixedDelay(1_500)));

    CompletableFuture<FlagEvaluationDetails<String>> inFlight =
        CompletableFuture.supplyAsync(() -> client.getStringDetails("flag-a", "x", USER));
    await().until(() -> relay.countRequestsMatching(postRequestedFor(urlEqualTo("/ofrep/v1/evaluate/flags/flag-a")).build()).getCount() == 1);
    stubChanges(200, "\"e2\"", "{\"hash\":2,\"flags\":{\"flag-a\":2}}");
    await().until(() -> !changes.isEmpty());
    stubFlag("flag-a", "A2");

    assertThat(inFlight.get().getValue()).isEqualTo("A1");
    FlagEvaluationDetails<String> next = client.getStringDetails("flag-a", "x", USER);
    assertThat(next.getValue()).isEqualTo("A2");
    assertThat(next.getReason()).isEqualTo("TARGETING_MATCH");
  }

  private Client start(Duration pollingInterval) {
    api.setProviderAndWait(new GoFeatureFlagProvider(options(pollingInterval)));
    return api.getClient();
  }

  private GoFeatureFlagProviderOptions options(Duration pollingInterval) {
    return GoFeatureFlagProviderOptions.builder()
        .endpoint(relay.baseUrl())
        .timeout(Duration.ofMillis(500))
        .flagChangePollingInterval(pollingInterval)
        .disableDataCollection(true)
        .build();
  }

  private void stubChanges(int status, String etag, String body) {
    if (changeStub != null) {
      relay.removeStub(changeStub);
    }
    var response = aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    if (etag != null) {
      response.withHeader("ETag", etag);
    }
    changeStub = relay.stubFor(get(CHANGE_PATH).atPriority(5).willReturn(response));
  }

  private long changePolls() {
    return relay.countRequestsMatching(getRequestedFor(urlEqualTo(CHANGE_PATH)).build()).getCount();
  }

  private void stubUnknownFlagsNotFound() {
    relay.stubFor(
        post(urlPathMatching("/ofrep/v1/evaluate/flags/.*"))
            .atPriority(10)
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"key\":\"unknown\",\"errorCode\":\"FLAG_NOT_FOUND\"}")));
  }

  private void stubFlag(String key, String value) {
    relay.stubFor(post(urlEqualTo("/ofrep/v1/evaluate/flags/" + key)).willReturn(okJson(answer(key, value))));
  }

  private static String answer(String key, String value) {
    return "{\"key\":\"" + key + "\",\"value\":\"" + value + "\",\"reason\":\"TARGETING_MATCH\","
        + "\"variant\":\"v\",\"metadata\":{\"gofeatureflag_cacheable\":true}}";
  }
}
