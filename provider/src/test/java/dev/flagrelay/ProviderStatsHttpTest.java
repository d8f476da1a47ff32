package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.ProviderStats.Endpoint;
import dev.flagrelay.ProviderStats.Outcome;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import dev.flagrelay.testing.StubHttpServer;
import com.sun.net.httpserver.HttpExchange;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link GoFeatureFlagProvider#stats()} over the real HTTP client against a loopback server: each
 * counter driven by the scenario it counts (a hit, a miss, a 503, a timeout, a 304).
 */
@ExtendWith(FastPolling.class)
class ProviderStatsHttpTest {
  private static final EvaluationContext USER = new ImmutableContext("user-1");
  private static final String API_KEY = "sekret-api-key-0042";
  private static final String TENANT = "tenant-header-value-77";
  private static final String CACHEABLE =
      "{\"key\":\"f\",\"value\":true,\"variant\":\"on\",\"reason\":\"TARGETING_MATCH\","
          + "\"metadata\":{\"gofeatureflag_cacheable\":true}}";

  private final StubHttpServer server = new StubHttpServer();
  private final List<GoFeatureFlagProvider> providers = new ArrayList<>();
  /** Holds a request the test wants unanswered; released after each test. */
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile Route evaluation = exchange -> StubHttpServer.respond(exchange, 200, Map.of(), CACHEABLE);

  @FunctionalInterface
  private interface Route {
    void answer(HttpExchange exchange) throws IOException;
  }

  ProviderStatsHttpTest() {
    server.answer(
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          if (path.equals("/v1/flag/change")) {
            changes(exchange);
          } else if (path.startsWith("/ofrep/")) {
            evaluation.answer(exchange);
          } else {
            StubHttpServer.respond(exchange, 200, Map.of(), "{}");
          }
        });
  }

  /** 200 with an ETag the first time, then 304 to every poll that sends it back. */
  private static void changes(HttpExchange exchange) throws IOException {
    if ("\"e1\"".equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      exchange.sendResponseHeaders(304, -1);
      exchange.close();
      return;
    }
    StubHttpServer.respond(exchange, 200, Map.of("ETag", "\"e1\""), "{\"flags\":{\"f\":1}}");
  }

  @AfterEach
  void shutdownAndCheckForLeaks() {
    release.countDown();
    providers.forEach(GoFeatureFlagProvider::shutdown);
    server.close();
    GoffThreads.awaitNone("goff-");
  }

  private GoFeatureFlagProvider ready(UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) throws Exception {
    GoFeatureFlagProviderOptions.Builder builder =
        GoFeatureFlagProviderOptions.builder()
            .endpoint(server.baseUri().toString())
            .apiKey(API_KEY)
            .header("X-Tenant", TENANT)
            .timeout(Duration.ofSeconds(10)) // The start-up poll timed out at 2 s once, at load 26.
            .flagChangeDetection(FlagChangeDetection.NONE)
            .disableDataCollection(true);
    GoFeatureFlagProvider provider = new GoFeatureFlagProvider(options.apply(builder).build());
    providers.add(provider);
    provider.initialize(USER);
    return provider;
  }

  private static ProviderStats.RelayRequests requests(GoFeatureFlagProvider provider, Endpoint endpoint) {
    return provider.stats().relayRequests().get(endpoint);
  }

  @Test
  void missThenHit_oneRelayEvaluationOneCachedAnswer_latencyTimed() throws Exception {
    GoFeatureFlagProvider provider = ready(UnaryOperator.identity());

    provider.getBooleanEvaluation("f", false, USER);
    provider.getBooleanEvaluation("f", false, USER);

    ProviderStats stats = provider.stats();
    assertThat(stats.cache().misses()).isEqualTo(1);
    assertThat(stats.cache().hits()).isEqualTo(1);
    assertThat(stats.cache().size()).isEqualTo(1);
    assertThat(stats.evaluations().relay()).isEqualTo(1);
    assertThat(stats.evaluations().cache()).isEqualTo(1);
    assertThat(stats.evaluations().total()).isEqualTo(2);
    ProviderStats.RelayRequests evaluations = stats.relayRequests().get(Endpoint.EVALUATION);
    assertThat(evaluations.count(Outcome.SUCCESS_2XX)).isEqualTo(1);
    assertThat(evaluations.total()).isEqualTo(1);
    assertThat(evaluations.latency().count()).isEqualTo(1);
    assertThat(evaluations.latency().max()).isPositive();
    assertThat(evaluations.latency().p50()).isPositive().isLessThanOrEqualTo(evaluations.latency().max());
    assertThat(evaluations.latency().p99()).isLessThanOrEqualTo(evaluations.latency().max());
    // The start-up baseline is a change poll.
    assertThat(stats.relayRequests().get(Endpoint.CHANGE_POLL).count(Outcome.SUCCESS_2XX)).isEqualTo(1);
  }

  @Test
  void relay503_serverErrorAndGeneralError_lastErrorMasksKeyAndHeaderValues() throws Exception {
    GoFeatureFlagProvider provider = ready(UnaryOperator.identity());
    // A gateway that echoes what it was sent.
    evaluation =
        exchange ->
            StubHttpServer.respond(
                exchange,
                503,
                Map.of(),
                "{\"errorCode\":\"GENERAL\",\"errorDetails\":\"overloaded; got Bearer " + API_KEY + " for " + TENANT + "\"}");
    Instant before = Instant.now();

    ProviderEvaluation<Boolean> result = provider.getBooleanEvaluation("f", false, USER);

    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    ProviderStats stats = provider.stats();
    assertThat(stats.relayRequests().get(Endpoint.EVALUATION).count(Outcome.SERVER_ERROR_5XX)).isEqualTo(1);
    assertThat(stats.evaluations().errors()).isEqualTo(Map.of(ErrorCode.GENERAL, 1L));
    assertThat(stats.lastError()).isPresent();
    ProviderStats.LastError error = stats.lastError().orElseThrow();
    assertThat(error.message()).contains("503").contains("overloaded").doesNotContain(API_KEY).doesNotContain(TENANT);
    assertThat(error.at()).isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(stats.toString()).doesNotContain(API_KEY).doesNotContain(TENANT);
  }

  @Test
  void flagNotFound_clientErrorCountedByCode_notALastError() throws Exception {
    GoFeatureFlagProvider provider = ready(UnaryOperator.identity());
    evaluation =
        exchange ->
            StubHttpServer.respond(exchange, 404, Map.of(), "{\"errorCode\":\"FLAG_NOT_FOUND\",\"errorDetails\":\"no f\"}");

    provider.getBooleanEvaluation("f", false, USER);

    ProviderStats stats = provider.stats();
    assertThat(stats.relayRequests().get(Endpoint.EVALUATION).count(Outcome.CLIENT_ERROR_4XX)).isEqualTo(1);
    assertThat(stats.evaluations().errors()).isEqualTo(Map.of(ErrorCode.FLAG_NOT_FOUND, 1L));
    assertThat(stats.lastError()).isEmpty();
  }

  @Test
  void relayNotAnsweringWithinTheTimeout_countedAsTimeout() throws Exception {
    // Long enough for the start-up poll on a loaded machine; the evaluation is held past it.
    GoFeatureFlagProvider provider = ready(builder -> builder.timeout(Duration.ofSeconds(1)));
    evaluation =
        exchange -> {
          try {
            release.await(10, TimeUnit.SECONDS); // Until the test ends: the client gives up first.
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          StubHttpServer.respond(exchange, 200, Map.of(), CACHEABLE);
        };

    ProviderEvaluation<Boolean> result = provider.getBooleanEvaluation("f", false, USER);

    assertThat(result.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
    ProviderStats stats = provider.stats();
    ProviderStats.RelayRequests evaluations = stats.relayRequests().get(Endpoint.EVALUATION);
    assertThat(evaluations.count(Outcome.TIMEOUT)).isEqualTo(1);
    assertThat(evaluations.total()).isEqualTo(1);
    assertThat(evaluations.latency().max()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(stats.lastError().orElseThrow().message()).contains("did not answer within 1000 ms");
  }

  @Test
  void nothingListening_countedAsUnreachable() throws Exception {
    GoFeatureFlagProvider provider = ready(UnaryOperator.identity());
    server.close(); // The port is closed: connection refused.

    provider.getBooleanEvaluation("f", false, USER);

    assertThat(requests(provider, Endpoint.EVALUATION).count(Outcome.UNREACHABLE)).isEqualTo(1);
  }

  @Test
  void changePollAnswered304_countedAsNotModified_lastSyncSet() throws Exception {
    Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    GoFeatureFlagProvider provider =
        ready(
            builder ->
                builder.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));

    await().until(() -> requests(provider, Endpoint.CHANGE_POLL).count(Outcome.NOT_MODIFIED_304) >= 2);

    ProviderStats stats = provider.stats();
    assertThat(stats.relayRequests().get(Endpoint.CHANGE_POLL).count(Outcome.SUCCESS_2XX)).isEqualTo(1);
    assertThat(stats.changeDetection().mode()).isEqualTo(FlagChangeDetection.POLLING);
    assertThat(stats.changeDetection().lastSuccessfulSync()).hasValueSatisfying(at -> assertThat(at).isAfterOrEqualTo(before));
    assertThat(stats.changeDetection().consecutiveFailures()).isZero();
    assertThat(stats.changeDetection().streamConnected()).isFalse();
  }

  @Test
  void changePollsFailing_consecutiveFailuresCountedThenStale() throws Exception {
    GoFeatureFlagProvider provider =
        ready(
            builder ->
                builder.flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingInterval(Duration.ofMillis(20)));
    server.answer(503, Map.of(), "{}");

    await().until(() -> provider.stats().status() == ProviderStats.Status.STALE);

    ProviderStats stats = provider.stats();
    assertThat(stats.changeDetection().consecutiveFailures()).isGreaterThanOrEqualTo(3);
    assertThat(stats.relayRequests().get(Endpoint.CHANGE_POLL).count(Outcome.SERVER_ERROR_5XX)).isGreaterThanOrEqualTo(3);
    assertThat(stats.statusSince()).isAfterOrEqualTo(stats.changeDetection().lastSuccessfulSync().orElseThrow());
  }
}
