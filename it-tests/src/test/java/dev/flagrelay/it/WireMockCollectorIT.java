package dev.flagrelay.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.MutableTrackingEventDetails;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Data collection against a WireMock relay: envelope, outages, slow collector, shutdown flush. */
@Timeout(60)
@ExtendWith(LeakCheck.class)
class WireMockCollectorIT {
  private static final String COLLECTOR = "/v1/data/collector";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ImmutableContext USER = new ImmutableContext("user-1", Map.of("anonymous", new Value(true)));

  private final WireMockServer relay = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
  private StubMapping collectorStub;

  @BeforeEach
  void setUp() {
    relay.start();
    relay.stubFor(get("/v1/flag/change").willReturn(okJson("{\"hash\":1,\"flags\":{}}")));
    relay.stubFor(
        post(urlEqualTo("/ofrep/v1/evaluate/flags/cached-flag"))
            .willReturn(okJson("{\"key\":\"cached-flag\",\"value\":true,\"reason\":\"TARGETING_MATCH\",\"variant\":\"on\","
                + "\"metadata\":{\"gofeatureflag_cacheable\":true,\"version\":\"v7\"}}")));
    stubCollector(aResponse().withStatus(200).withBody("{\"ingestedContentCount\":1}"));
  }

  @AfterEach
  void tearDown() {
    api.shutdown();
    relay.stop();
  }

  @Test
  void cacheHitsAndTrackingEvents_reachTheCollector_withMetaAndAllFields() {
    Client client = start(builder().exporterMetadata(Map.of("team", "payments", "build", 42)));
    client.getBooleanValue("cached-flag", false, USER); // From the relay: the relay records it itself.
    client.getBooleanValue("cached-flag", false, USER); // From the cache: ours to report.
    MutableTrackingEventDetails details = new MutableTrackingEventDetails(99.5).add("currency", "EUR");
    client.track("checkout", USER, details);

    api.shutdown(); // Flushes.

    List<JsonNode> envelopes = envelopes();
    assertThat(envelopes).isNotEmpty();
    JsonNode meta = envelopes.get(0).get("meta");
    assertThat(meta.get("provider").asText()).isEqualTo("java");
    assertThat(meta.get("openfeature").asBoolean()).isTrue();
    assertThat(meta.get("team").asText()).isEqualTo("payments");
    assertThat(meta.get("build").asInt()).isEqualTo(42);
    List<JsonNode> events = events(envelopes);
    assertThat(events).hasSize(2);
    JsonNode feature = events.get(0);
    assertThat(fieldNames(feature))
        .containsExactlyInAnyOrder(
            "kind", "contextKind", "userKey", "creationDate", "key", "variation", "value", "default", "version", "source");
    assertThat(feature.get("kind").asText()).isEqualTo("feature");
    assertThat(feature.get("contextKind").asText()).isEqualTo("anonymousUser");
    assertThat(feature.get("userKey").asText()).isEqualTo("user-1");
    assertThat(feature.get("creationDate").asLong()).isBetween(1_700_000_000L, 9_999_999_999L);
    assertThat(feature.get("key").asText()).isEqualTo("cached-flag");
    assertThat(feature.get("variation").asText()).isEqualTo("on");
    assertThat(feature.get("value").asBoolean()).isTrue();
    assertThat(feature.get("default").asBoolean()).isFalse();
    assertThat(feature.get("version").asText()).isEqualTo("v7");
    assertThat(feature.get("source").asText()).isEqualTo("PROVIDER_CACHE");
    JsonNode tracking = events.get(1);
    assertThat(tracking.get("kind").asText()).isEqualTo("tracking");
    assertThat(tracking.get("key").asText()).isEqualTo("checkout");
    assertThat(tracking.get("userKey").asText()).isEqualTo("user-1");
    assertThat(tracking.get("evaluationContext").get("targetingKey").asText()).isEqualTo("user-1");
    assertThat(tracking.get("trackingEventDetails").get("value").asDouble()).isEqualTo(99.5);
    assertThat(tracking.get("trackingEventDetails").get("currency").asText()).isEqualTo("EUR");
  }

  @Test
  void collectorDown_eventsArriveAfterItIsBack_andBeyondTheCapExactlyTheOldestAreMissing() {
    stubCollector(aResponse().withStatus(503));
    Client client = start(builder().maxPendingEvents(50).dataFlushInterval(Duration.ofMillis(100)));
    int recorded = 130; // The cap is 2 x 50 = 100: the 30 oldest must go.
    for (int i = 0; i < recorded; i++) {
      client.track("event-" + i, USER);
    }
    await().until(() -> relay.countRequestsMatching(postRequestedFor(urlEqualTo(COLLECTOR)).build()).getCount() >= 2);

    stubCollector(aResponse().withStatus(200).withBody("{}"));
    await().until(() -> trackedKeys(successfulEnvelopes()).size() >= 100);

    List<String> expected = IntStream.range(30, recorded).mapToObj(i -> "event-" + i).toList();
    assertThat(trackedKeys(successfulEnvelopes())).containsExactlyElementsOf(expected);
  }

  /** Regression: OkHttp re-sent a 503 carrying Retry-After: 0 by itself, posting the batch twice. */
  @Test
  void collector503WithRetryAfterZero_batchPostedOncePerFlush() {
    stubCollector(aResponse().withStatus(503).withHeader("Retry-After", "0"));
    Client client = start(builder().dataFlushInterval(Duration.ofHours(1)));
    client.track("checkout", USER);

    api.shutdown(); // One flush.

    assertThat(relay.countRequestsMatching(postRequestedFor(urlEqualTo(COLLECTOR)).build()).getCount()).isEqualTo(1);
  }

  /** Regression: OkHttp's NumberFormatException on this header dropped the batch. */
  @Test
  void collector503WithRetryAfterBeyondAnInt_batchKeptAndSentOnceTheCollectorIsBack() {
    stubCollector(aResponse().withStatus(503).withHeader("Retry-After", "99999999999"));
    Client client = start(builder().dataFlushInterval(Duration.ofMillis(100)));
    client.track("checkout", USER);
    await().until(() -> relay.countRequestsMatching(postRequestedFor(urlEqualTo(COLLECTOR)).build()).getCount() >= 2);

    stubCollector(aResponse().withStatus(200).withBody("{}"));

    await().until(() -> trackedKeys(successfulEnvelopes()).contains("checkout"));
  }

  /** GOFF-COLL-015: nothing is flushed when the collector starts, only after an interval. */
  @Test
  void noFlushWhenTheCollectorStarts() {
    Client client = start(builder().dataFlushInterval(Duration.ofMillis(600)));
    client.track("early", USER);

    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(1))
        .until(() -> relay.countRequestsMatching(postRequestedFor(urlEqualTo(COLLECTOR)).build()).getCount() == 0);
    await().until(() -> relay.countRequestsMatching(postRequestedFor(urlEqualTo(COLLECTOR)).build()).getCount() == 1);
  }

  /** GOFF-ERR-006: collector failures are logged, never dropped silently. */
  @Test
  void collectorOutageAndRefusal_areLogged() {
    Client client = start(builder().maxPendingEvents(1).dataFlushInterval(Duration.ofMillis(50)));
    try (LogCapture log = LogCapture.start()) {
      stubCollector(aResponse().withStatus(503));
      client.track("during-outage", USER);
      await().until(() -> log.text().contains("data collector unavailable"));

      stubCollector(aResponse().withStatus(400).withBody("{\"message\":\"collectEvalData: invalid input data\"}"));
      await().until(() -> log.text().contains("data collector refused a batch of 1 events"));
    }
  }

  @Test
  void slowCollector_doesNotSlowEvaluations() {
    stubCollector(aResponse().withStatus(200).withBody("{}").withFixedDelay(3_000));
    Client client =
        start(builder().timeout(Duration.ofSeconds(5)).maxPendingEvents(20).dataFlushInterval(Duration.ofMillis(50)));
    client.getBooleanValue("cached-flag", false, USER);

    long slowest = 0;
    long started = System.nanoTime();
    int evaluations = 0;
    // Keep evaluating for 1.5 s: flushes start every 20 events and each one hangs for 3 s.
    while (System.nanoTime() - started < 1_500_000_000L) {
      long t0 = System.nanoTime();
      assertThat(client.getBooleanValue("cached-flag", false, USER)).isTrue();
      slowest = Math.max(slowest, System.nanoTime() - t0);
      evaluations++;
    }

    assertThat(relay.countRequestsMatching(postRequestedFor(urlEqualTo(COLLECTOR)).build()).getCount())
        .as("a flush was in progress while we evaluated")
        .isGreaterThanOrEqualTo(1);
    assertThat(evaluations).isGreaterThan(100);
    // Far below the 3 s the collector takes, with room for a GC pause on a shared 2-core machine;
    // the real figure comes from CollectorIsolationBenchmark (BENCHMARKS.md).
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void exporterMetadata_isMergedIntoTheCallersGofeatureflagKey_keepingFlagList() throws IOException {
    Client client = start(builder().exporterMetadata(Map.of("team", "payments")));
    ImmutableContext context =
        new ImmutableContext(
            "user-2",
            Map.of(
                "gofeatureflag",
                new Value(
                    new ImmutableStructure(
                        Map.of(
                            "flagList", new Value(List.of(new Value("cached-flag"))),
                            "currentDateTime", new Value("2026-01-01T00:00:00Z"))))));

    client.getBooleanValue("cached-flag", false, context);

    LoggedRequest request =
        relay.findAll(postRequestedFor(urlEqualTo("/ofrep/v1/evaluate/flags/cached-flag"))).get(0);
    JsonNode reserved = JSON.readTree(request.getBodyAsString()).get("context").get("gofeatureflag");
    assertThat(reserved.get("flagList").get(0).asText()).isEqualTo("cached-flag");
    assertThat(reserved.get("currentDateTime").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(reserved.get("exporterMetadata").get("team").asText()).isEqualTo("payments");
    assertThat(reserved.get("exporterMetadata").get("provider").asText()).isEqualTo("java");
    assertThat(reserved.get("exporterMetadata").get("openfeature").asBoolean()).isTrue();
  }

  @Test
  void disableDataCollection_sendsNothing() {
    Client client = start(builder().disableDataCollection(true));
    client.getBooleanValue("cached-flag", false, USER);
    client.getBooleanValue("cached-flag", false, USER);
    client.track("checkout", USER);

    api.shutdown();

    assertThat(relay.countRequestsMatching(postRequestedFor(urlEqualTo(COLLECTOR)).build()).getCount()).isZero();
  }

  private Client start(GoFeatureFlagProviderOptions.Builder options) {
    api.setProviderAndWait(new GoFeatureFlagProvider(options.build()));
    return api.getClient();
  }

  private GoFeatureFlagProviderOptions.Builder builder() {
    return GoFeatureFlagProviderOptions.builder()
        .endpoint(relay.baseUrl())
        .timeout(Duration.ofMillis(800))
        .flagChangePollingEnabled(false);
  }

  private void stubCollector(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
    if (collectorStub != null) {
      relay.removeStub(collectorStub);
    }
    collectorStub = relay.stubFor(post(urlEqualTo(COLLECTOR)).willReturn(response));
  }

  private List<JsonNode> envelopes() {
    return relay.findAll(postRequestedFor(urlEqualTo(COLLECTOR))).stream().map(r -> parse(r.getBodyAsString())).toList();
  }

  private List<JsonNode> successfulEnvelopes() {
    return relay.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals(COLLECTOR) && e.getResponse().getStatus() == 200)
        .sorted((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()))
        .map(e -> parse(e.getRequest().getBodyAsString()))
        .toList();
  }

  private static List<JsonNode> events(List<JsonNode> envelopes) {
    List<JsonNode> events = new ArrayList<>();
    envelopes.forEach(envelope -> envelope.get("events").forEach(events::add));
    return events;
  }

  private static List<String> trackedKeys(List<JsonNode> envelopes) {
    return events(envelopes).stream().filter(e -> e.get("kind").asText().equals("tracking")).map(e -> e.get("key").asText()).toList();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
