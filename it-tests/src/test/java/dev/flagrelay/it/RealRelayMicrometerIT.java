package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.ProviderStats;
import dev.flagrelay.micrometer.FlagRelayMetrics;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Micrometer binder on a {@link SimpleMeterRegistry}, the provider evaluating against the real
 * relay proxy (authenticated, with its stream and collector): the meters read back what happened.
 */
@ExtendWith(LeakCheck.class)
class RealRelayMicrometerIT {
  private static final String API_KEY = "metrics-secret-key";
  private static final String GATEWAY_TOKEN = "gateway-token-value";

  private RelayProxy relay;
  private OpenFeatureAPI api;
  private GoFeatureFlagProvider provider;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() throws Exception {
    relay = RelayProxy.serving(RelayProxy.conformanceFlags()).authorizedKeys(API_KEY).start();
    api = OpenFeatureAPI.createIsolated();
    provider =
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint(relay.endpoint())
                .apiKey(API_KEY)
                .header("X-Gateway-Token", GATEWAY_TOKEN)
                .timeout(Duration.ofSeconds(5))
                .dataFlushInterval(Duration.ofMillis(200))
                .build());
    FlagRelayMetrics.builder(provider).snapshotMaxAge(Duration.ZERO).build().bindTo(registry);
    api.setProviderAndWait(provider);
  }

  @AfterEach
  void stop() {
    try (RelayProxy stopped = relay) {
      api.shutdown();
    }
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  @Test
  void evaluationsAgainstTheRealRelay_readBackFromTheMeters() {
    Client client = api.getClient();
    EvaluationContext user = CanonicalContext.get();
    for (int i = 0; i < 5; i++) {
      assertThat(client.getBooleanValue("bool_targeting_match", false, user)).isTrue();
    }
    assertThat(client.getBooleanValue("no-such-flag", false, user)).isFalse();

    // Four cached hits become four collector events; the stream connects on its own thread.
    await().atMost(Duration.ofSeconds(20)).until(() -> count("flagrelay.collector.events", "result", "sent") >= 4);
    await().atMost(Duration.ofSeconds(20)).until(() -> gauge("flagrelay.change.stream.connected") == 1);

    assertThat(count("cache.gets", "cache", "flagrelay", "result", "hit")).isEqualTo(4);
    assertThat(count("cache.gets", "cache", "flagrelay", "result", "miss")).isEqualTo(2);
    assertThat(gauge("cache.size", "cache", "flagrelay")).isEqualTo(1);
    assertThat(count("flagrelay.evaluations", "outcome", "cache")).isEqualTo(4);
    assertThat(count("flagrelay.evaluations", "outcome", "relay")).isEqualTo(1);
    assertThat(count("flagrelay.evaluations", "outcome", "error", "error.code", "FLAG_NOT_FOUND")).isEqualTo(1);
    assertThat(count("flagrelay.relay.requests", "endpoint", "evaluation", "outcome", "success_2xx")).isEqualTo(1);
    assertThat(count("flagrelay.relay.requests", "endpoint", "evaluation", "outcome", "client_error_4xx")).isEqualTo(1);
    assertThat(count("flagrelay.relay.requests", "endpoint", "change_poll", "outcome", "success_2xx")).isGreaterThanOrEqualTo(1);
    assertThat(count("flagrelay.relay.requests", "endpoint", "stream_connect", "outcome", "success_2xx")).isGreaterThanOrEqualTo(1);
    assertThat(count("flagrelay.relay.requests", "endpoint", "collector", "outcome", "success_2xx")).isGreaterThanOrEqualTo(1);
    var evaluationTimer = registry.get("flagrelay.relay.request.duration").tags("endpoint", "evaluation").functionTimer();
    assertThat(evaluationTimer.count()).isEqualTo(2);
    assertThat(evaluationTimer.totalTime(TimeUnit.MILLISECONDS)).isPositive();
    assertThat(gauge("flagrelay.provider.state", "state", "ready")).isEqualTo(1);
    assertThat(gauge("flagrelay.change.last.sync.age")).isBetween(0.0, 60.0);
    assertThat(count("flagrelay.collector.events", "result", "dropped")).isZero();
    ProviderStats stats = provider.stats();
    assertThat(stats.lastError()).isEmpty();
    assertThat(stats.toString()).doesNotContain(API_KEY).doesNotContain(GATEWAY_TOKEN);
  }

  @Test
  void relayStopped_evaluationsUnreachable_lastErrorWithoutTheKey() {
    Client client = api.getClient();
    relay.stop();

    client.getBooleanValue("bool_targeting_match", false, CanonicalContext.get());

    assertThat(count("flagrelay.relay.requests", "endpoint", "evaluation", "outcome", "unreachable")).isEqualTo(1);
    assertThat(count("flagrelay.evaluations", "outcome", "error", "error.code", "GENERAL")).isEqualTo(1);
    // The evaluation's failure, or a later one of the stream's reconnects (its URL holds the key).
    ProviderStats.LastError error = provider.stats().lastError().orElseThrow();
    assertThat(error.message()).containsAnyOf("evaluation: relay could not be reached", "stream_connect: ");
    assertThat(error.message()).doesNotContain(API_KEY).doesNotContain(GATEWAY_TOKEN);
  }
}
