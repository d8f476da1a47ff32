package dev.flagrelay.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flagrelay.FlagChangeDetection;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.ImmutableContext;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The binder over a provider talking to a loopback stand-in: names, tags and values read back. */
class FlagRelayMetricsTest {
  private static final ImmutableContext USER = new ImmutableContext("user-1");

  private final AtomicInteger polls = new AtomicInteger();
  private final HttpServer server = start();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private GoFeatureFlagProvider provider;

  private HttpServer start() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext("/", this::answer);
      http.start();
      return http;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Flag f's hash changes once, at the second poll; every evaluation is a cacheable true. */
  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String body;
      if (path.equals("/v1/flag/change")) {
        body = "{\"flags\":{\"f\":" + (polls.incrementAndGet() < 2 ? 1 : 2) + "}}";
      } else if (path.startsWith("/ofrep/")) {
        body = "{\"key\":\"f\",\"value\":true,\"variant\":\"on\",\"reason\":\"TARGETING_MATCH\","
            + "\"metadata\":{\"gofeatureflag_cacheable\":true}}";
      } else {
        body = "{}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @AfterEach
  void stop() {
    if (provider != null) {
      provider.shutdown();
    }
    server.stop(0);
  }

  private GoFeatureFlagProvider ready(FlagChangeDetection detection) throws Exception {
    provider =
        new GoFeatureFlagProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint("http://127.0.0.1:" + server.getAddress().getPort())
                .flagChangeDetection(detection)
                .flagChangePollingInterval(Duration.ofMillis(20))
                .disableDataCollection(true)
                .build());
    provider.initialize(USER);
    return provider;
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  @Test
  void cacheMeters_standardNamesAndTags() throws Exception {
    FlagRelayMetrics.builder(ready(FlagChangeDetection.NONE)).snapshotMaxAge(Duration.ZERO).build().bindTo(registry);

    provider.getBooleanEvaluation("f", false, USER);
    provider.getBooleanEvaluation("f", false, USER);
    provider.getBooleanEvaluation("f", false, USER);

    assertThat(count("cache.gets", "cache", "flagrelay", "result", "hit")).isEqualTo(2);
    assertThat(count("cache.gets", "cache", "flagrelay", "result", "miss")).isEqualTo(1);
    assertThat(registry.get("cache.size").tags("cache", "flagrelay").gauge().value()).isEqualTo(1);
    assertThat(count("cache.evictions", "cache", "flagrelay")).isZero();
    assertThat(count("flagrelay.evaluations", "outcome", "cache")).isEqualTo(2);
    assertThat(count("flagrelay.evaluations", "outcome", "relay")).isEqualTo(1);
    assertThat(count("flagrelay.evaluations", "outcome", "error", "error.code", "FLAG_NOT_FOUND")).isZero();
  }

  @Test
  void relayMeters_requestsByEndpointAndOutcome_timerPerEndpoint() throws Exception {
    FlagRelayMetrics.builder(ready(FlagChangeDetection.NONE)).snapshotMaxAge(Duration.ZERO).build().bindTo(registry);

    provider.getBooleanEvaluation("f", false, USER);

    assertThat(count("flagrelay.relay.requests", "endpoint", "evaluation", "outcome", "success_2xx")).isEqualTo(1);
    assertThat(count("flagrelay.relay.requests", "endpoint", "evaluation", "outcome", "timeout")).isZero();
    assertThat(count("flagrelay.relay.requests", "endpoint", "change_poll", "outcome", "success_2xx")).isEqualTo(1);
    var timer = registry.get("flagrelay.relay.request.duration").tags("endpoint", "evaluation").functionTimer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    double max = registry.get("flagrelay.relay.request.duration.max").tags("endpoint", "evaluation").timeGauge().value(TimeUnit.NANOSECONDS);
    double p99 = registry.get("flagrelay.relay.request.duration.percentile").tags("endpoint", "evaluation", "phi", "0.99").timeGauge().value(TimeUnit.NANOSECONDS);
    assertThat(p99).isPositive().isLessThanOrEqualTo(max);
    // 5 endpoints x 6 outcomes, never more: no per-flag tags by default.
    assertThat(registry.find("flagrelay.relay.requests").meters()).hasSize(30);
    assertThat(registry.getMeters()).noneMatch(meter -> meter.getId().getTag("flag") != null);
  }

  @Test
  void stateAndChangeDetection_gauges() throws Exception {
    FlagRelayMetrics.builder(ready(FlagChangeDetection.POLLING)).snapshotMaxAge(Duration.ZERO).build().bindTo(registry);

    assertThat(registry.get("flagrelay.provider.state").tags("state", "ready").gauge().value()).isEqualTo(1);
    assertThat(registry.get("flagrelay.provider.state").tags("state", "stale").gauge().value()).isZero();
    double age = registry.get("flagrelay.change.last.sync.age").tags("mode", "polling").gauge().value();
    assertThat(age).isGreaterThanOrEqualTo(0).isLessThan(60);
    assertThat(registry.get("flagrelay.change.stream.connected").gauge().value()).isZero();
    assertThat(registry.get("flagrelay.collector.pending").gauge().value()).isZero();
    provider.shutdown();
    assertThat(registry.get("flagrelay.provider.state").tags("state", "shut_down").gauge().value()).isEqualTo(1);
  }

  @Test
  void perFlagTags_optIn_oneCounterPerInvalidatedFlag() throws Exception {
    FlagRelayMetrics.builder(ready(FlagChangeDetection.POLLING))
        .snapshotMaxAge(Duration.ZERO)
        .perFlagTags(10)
        .tags(Tags.of("app", "demo"))
        .build()
        .bindTo(registry);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (registry.find("flagrelay.cache.invalidations.flag").functionCounter() == null && System.nanoTime() < deadline) {
      registry.get("flagrelay.cache.invalidations").tags("scope", "flag").functionCounter().count(); // A read refreshes.
      Thread.onSpinWait();
    }

    assertThat(count("flagrelay.cache.invalidations.flag", "flag", "f", "app", "demo")).isEqualTo(1);
    assertThat(registry.getMeters()).allMatch(meter -> "demo".equals(meter.getId().getTag("app")));
  }

  @Test
  void perFlagTags_outOfRange_refused() {
    var builder = FlagRelayMetrics.builder(new GoFeatureFlagProvider(
        GoFeatureFlagProviderOptions.builder().endpoint("http://127.0.0.1:1").build()));
    assertThatThrownBy(() -> builder.perFlagTags(1001)).hasMessageContaining("1001");
    assertThatThrownBy(() -> builder.perFlagTags(-1)).hasMessageContaining("-1");
  }

  @Test
  void meterNames_documented() throws Exception {
    FlagRelayMetrics.of(ready(FlagChangeDetection.NONE)).bindTo(registry);

    assertThat(registry.getMeters().stream().map(Meter::getId).map(Meter.Id::getName).distinct().sorted())
        .containsExactly(
            "cache.evictions",
            "cache.gets",
            "cache.size",
            "flagrelay.cache.invalidations",
            "flagrelay.cache.singleflight.joins",
            "flagrelay.change.consecutive.failures",
            "flagrelay.change.last.sync.age",
            "flagrelay.change.stream.connected",
            "flagrelay.change.stream.connects",
            "flagrelay.collector.batches.failed",
            "flagrelay.collector.events",
            "flagrelay.collector.pending",
            "flagrelay.evaluations",
            "flagrelay.provider.state",
            "flagrelay.relay.request.duration",
            "flagrelay.relay.request.duration.max",
            "flagrelay.relay.request.duration.percentile",
            "flagrelay.relay.requests");
  }
}
