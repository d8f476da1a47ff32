package dev.flagrelay.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.flagrelay.EvaluationMode;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderState;
import dev.openfeature.sdk.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** In-process mode against a WireMock relay over real HTTP: start, heal, ETag/304, stale, events. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class WireMockInProcessIT {
  private static final String CONFIG_PATH = "/v1/flag/configuration";
  private static final String ETAG_1 = "\"97-0123456789abcdef0123456789abcdef01234567\"";
  private static final String ETAG_2 = "\"98-fedcba9876543210fedcba9876543210fedcba98\"";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ImmutableContext USER = new ImmutableContext("user-1", Map.of("plan", new Value("pro")));
  private static final String FLAG_A =
      "\"flag-a\":{\"variations\":{\"A1\":\"A1\",\"A2\":\"A2\"},\"defaultRule\":{\"variation\":\"A1\"},\"version\":\"3\"}";
  private static final String FLAG_B =
      "\"flag-b\":{\"variations\":{\"on\":true,\"off\":false},"
          + "\"targeting\":[{\"name\":\"pro\",\"query\":\"plan eq \\\"pro\\\"\",\"variation\":\"on\"}],"
          + "\"defaultRule\":{\"variation\":\"off\"}}";

  private final WireMockServer relay =
      new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
  private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
  private RecordedEvents events;

  @BeforeEach
  void setUp() {
    relay.start();
    resetToCollectorOnly();
    events = RecordedEvents.attachTo(api);
  }

  @AfterEach
  void tearDown() {
    api.shutdown();
    relay.stop();
  }

  private static String config(String... flags) {
    return "{\"flags\":{" + String.join(",", flags) + "}}";
  }

  /** 200 with {@code etag} unless the request echoes it, then 304 (as the relay's ETag middleware). */
  private void serve(String body, String etag) {
    resetToCollectorOnly();
    relay.stubFor(post(urlEqualTo(CONFIG_PATH)).atPriority(5).willReturn(okJson(body).withHeader("ETag", etag)));
    relay.stubFor(
        post(urlEqualTo(CONFIG_PATH))
            .atPriority(1)
            .withHeader("If-None-Match", equalTo(etag))
            .willReturn(aResponse().withStatus(304).withHeader("ETag", etag)));
  }

  private void resetToCollectorOnly() {
    relay.resetMappings();
    relay.stubFor(post(urlEqualTo("/v1/data/collector")).willReturn(okJson("{\"ingestedContentCount\":1}")));
  }

  private void fail(int status) {
    resetToCollectorOnly();
    relay.stubFor(post(urlEqualTo(CONFIG_PATH)).willReturn(aResponse().withStatus(status).withBody("{\"message\":\"no\"}")));
  }

  private GoFeatureFlagProviderOptions options(String endpoint, UnaryOperator<GoFeatureFlagProviderOptions.Builder> extra) {
    return extra.apply(
            GoFeatureFlagProviderOptions.builder()
                .endpoint(endpoint)
                .apiKey("secret-key")
                .evaluationMode(EvaluationMode.IN_PROCESS)
                .timeout(Duration.ofSeconds(2))
                .flagChangePollingInterval(Duration.ofMillis(30))
                .dataFlushInterval(Duration.ofHours(1)))
        .build();
  }

  private Client start(UnaryOperator<GoFeatureFlagProviderOptions.Builder> extra) {
    api.setProviderAndWait(new GoFeatureFlagProvider(options(relay.baseUrl(), extra)));
    return api.getClient();
  }

  private List<LoggedRequest> configurationRequests() {
    return relay.findAll(postRequestedFor(urlEqualTo(CONFIG_PATH)));
  }

  @Test
  void start_postsTheConfigurationRequestWithAuth_thenEvaluatesWithoutAnyOfrepCall() {
    serve(config(FLAG_A, FLAG_B), ETAG_1);
    Client client = start(UnaryOperator.identity());

    FlagEvaluationDetails<Boolean> b = client.getBooleanDetails("flag-b", false, USER);

    assertThat(b.getValue()).isTrue();
    assertThat(b.getVariant()).isEqualTo("on");
    assertThat(b.getReason()).isEqualTo("TARGETING_MATCH");
    LoggedRequest first = configurationRequests().get(0);
    assertThat(first.getHeader("Authorization")).isEqualTo("Bearer secret-key");
    assertThat(first.getHeader("Content-Type")).startsWith("application/json");
    assertThat(first.containsHeader("If-None-Match")).isFalse();
    assertThat(first.getBodyAsString()).isEqualTo("{}");
    assertThat(relay.findAll(postRequestedFor(urlPathMatching("/ofrep/.*")))).isEmpty();
  }

  @Test
  void evaluationFlagList_sentAsFlags_andPathPrefixKept() {
    relay.stubFor(
        post(urlEqualTo("/goff" + CONFIG_PATH))
            .withRequestBody(equalToJson("{\"flags\":[\"flag-a\"]}"))
            .willReturn(okJson(config(FLAG_A)).withHeader("ETag", ETAG_1)));
    api.setProviderAndWait(
        new GoFeatureFlagProvider(options(relay.baseUrl() + "/goff/", b -> b.evaluationFlagList(List.of("flag-a")))));

    assertThat(api.getClient().getStringValue("flag-a", "x", USER)).isEqualTo("A1");
    assertThat(api.getClient().getBooleanDetails("flag-b", false, USER).getErrorCode())
        .isEqualTo(ErrorCode.FLAG_NOT_FOUND);
  }

  @Test
  void refresh_echoesTheEtagVerbatim_and304ChangesNothing() {
    serve(config(FLAG_A), ETAG_1);
    Client client = start(UnaryOperator.identity());

    await().until(() -> configurationRequests().size() >= 4);

    List<LoggedRequest> requests = configurationRequests();
    for (LoggedRequest refresh : requests.subList(1, requests.size())) {
      assertThat(refresh.getHeader("If-None-Match")).isEqualTo(ETAG_1);
    }
    assertThat(events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)).isEmpty();
    assertThat(client.getStringValue("flag-a", "x", USER)).isEqualTo("A1");
  }

  @Test
  void changedConfiguration_newValueAndOneEventNamingTheFlag() {
    serve(config(FLAG_A, FLAG_B), ETAG_1);
    Client client = start(UnaryOperator.identity());

    serve(config(FLAG_A.replace("\"A1\"}", "\"A2\"}"), FLAG_B), ETAG_2);

    await().until(() -> "A2".equals(client.getStringValue("flag-a", "x", USER)));
    await().until(() -> !events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED).isEmpty());
    int seen = configurationRequests().size();
    await().until(() -> configurationRequests().size() >= seen + 3);
    assertThat(events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)).hasSize(1);
    assertThat(events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED).get(0).getFlagsChanged())
        .containsExactly("flag-a");
    assertThat(configurationRequests().get(configurationRequests().size() - 1).getHeader("If-None-Match"))
        .isEqualTo(ETAG_2);
  }

  @Test
  void start401_fatal() {
    fail(401);
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options(relay.baseUrl(), UnaryOperator.identity()));

    assertThatThrownBy(() -> api.setProviderAndWait(provider)).isNotNull();

    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.FATAL);
    assertThat(configurationRequests()).hasSize(1);
  }

  @Test
  void startWhileRelayFails_errorThenReadyWhenAConfigurationArrives() {
    fail(500);
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options(relay.baseUrl(), UnaryOperator.identity()));

    assertThatThrownBy(() -> api.setProviderAndWait(provider)).isNotNull();
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);
    assertThat(api.getClient().getStringDetails("flag-a", "x", USER).getErrorCode())
        .isEqualTo(ErrorCode.PROVIDER_NOT_READY);

    serve(config(FLAG_A), ETAG_1);
    await().until(() -> api.getClient().getProviderState() == ProviderState.READY);
    assertThat(api.getClient().getStringValue("flag-a", "x", USER)).isEqualTo("A1");
    assertThat(events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)).isEmpty();
  }

  @Test
  void startWithAnUnusableBody_errorThenHeals() {
    relay.stubFor(post(urlEqualTo(CONFIG_PATH)).willReturn(okJson("{\"flags\":[1,2]}")));
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options(relay.baseUrl(), UnaryOperator.identity()));

    assertThatThrownBy(() -> api.setProviderAndWait(provider)).isNotNull();
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.ERROR);

    serve(config(FLAG_A), ETAG_1);
    await().until(() -> api.getClient().getProviderState() == ProviderState.READY);
  }

  @Test
  void threeFailedRefreshes_staleWithTheLastConfigurationServed_thenReady() {
    serve(config(FLAG_A), ETAG_1);
    Client client = start(UnaryOperator.identity());

    fail(503);
    await().until(() -> !events.of(ProviderEvent.PROVIDER_STALE).isEmpty());
    assertThat(api.getClient().getProviderState()).isEqualTo(ProviderState.STALE);
    assertThat(client.getStringValue("flag-a", "x", USER)).isEqualTo("A1");

    serve(config(FLAG_A), ETAG_1); // answers 304 to the echoed ETag: a success too
    await().until(() -> api.getClient().getProviderState() == ProviderState.READY);
    assertThat(events.of(ProviderEvent.PROVIDER_STALE)).hasSize(1);
    assertThat(events.of(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED)).isEmpty();
  }

  @Test
  void evaluations_reportedToTheCollectorAsInprocess() throws Exception {
    serve(config(FLAG_A, FLAG_B), ETAG_1);
    Client client = start(UnaryOperator.identity());

    client.getStringValue("flag-a", "x", USER);
    client.getIntegerValue("flag-a", 9, USER); // TYPE_MISMATCH: reported as a failure
    client.getBooleanValue("unknown", false, USER); // not reported
    api.shutdown();

    List<JsonNode> sent = new ArrayList<>();
    for (LoggedRequest batch : relay.findAll(postRequestedFor(urlEqualTo("/v1/data/collector")))) {
      JSON.readTree(batch.getBodyAsString()).get("events").forEach(sent::add);
    }
    assertThat(sent).extracting(event -> event.get("key").asText()).containsExactly("flag-a", "flag-a");
    assertThat(sent.get(0).get("source").asText()).isEqualTo("INPROCESS");
    assertThat(sent.get(0).get("version").asText()).isEqualTo("3");
    assertThat(sent.get(0).get("value").asText()).isEqualTo("A1");
    assertThat(sent.get(1).get("default").asBoolean()).isTrue();
    assertThat(sent.get(1).get("value").asInt()).isEqualTo(9);
  }
}
