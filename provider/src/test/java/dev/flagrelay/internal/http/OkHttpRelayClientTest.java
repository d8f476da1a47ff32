package dev.flagrelay.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RateLimitedException;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayDecodeException;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.testing.StubHttpServer;
import dev.openfeature.sdk.ImmutableContext;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Request building, and the transport against a real loopback server: one request per call, bounded bodies, typed failures. */
class OkHttpRelayClientTest {
  private static final byte[] ENVELOPE = "{\"meta\":{},\"events\":[]}".getBytes(StandardCharsets.UTF_8);
  private static final String HUGE_RETRY_AFTER = "99999999999"; // beyond 2^31 seconds

  private final StubHttpServer server = new StubHttpServer();
  private final OkHttpRelayClient client =
      new OkHttpRelayClient(
          URI.create("http://127.0.0.1:9/prefix"),
          URI.create("http://127.0.0.1:9"),
          null,
          Map.of(),
          Duration.ofSeconds(1),
          new JsonCodec(Map.of("provider", "java", "openfeature", true)));
  private final ContextSnapshot context = ContextSnapshot.of(new ImmutableContext("u1"));

  @AfterEach
  void close() {
    client.close();
    server.close();
  }

  private OkHttpRelayClient clientOfServer() {
    return clientOfServer(null);
  }

  private OkHttpRelayClient clientOfServer(Interceptor extra) {
    return new OkHttpRelayClient(
        server.baseUri(),
        server.baseUri(),
        null,
        Map.of(),
        Duration.ofSeconds(5),
        new JsonCodec(Map.of("provider", "java", "openfeature", true)),
        extra);
  }

  private HttpUrl urlOf(String flagKey) throws RelayException {
    return client.newEvaluationCall(flagKey, context).request().url();
  }

  @Test
  void evaluationUrl_keyIsOneEncodedSegment_sameOnEveryCall() throws RelayException {
    HttpUrl first = urlOf("new checkout/v2?x");
    HttpUrl second = urlOf("new checkout/v2?x");

    assertThat(first.encodedPath()).isEqualTo("/prefix/ofrep/v1/evaluate/flags/new%20checkout%2Fv2%3Fx");
    assertThat(second).isEqualTo(first);
    assertThat(urlOf("other").encodedPath()).isEqualTo("/prefix/ofrep/v1/evaluate/flags/other");
  }

  @Test
  void evaluationUrl_beyondTheCachedKeys_stillRightForEveryKey() throws RelayException {
    for (int i = 0; i < 3_000; i++) {
      assertThat(urlOf("flag-" + i).pathSegments()).last().isEqualTo("flag-" + i);
    }
    for (int i = 0; i < 3_000; i += 7) {
      assertThat(urlOf("flag-" + i).pathSegments()).last().isEqualTo("flag-" + i);
    }
  }

  // One request per call, whatever the status (OkHttp retries a 503 with Retry-After: 0 by itself).

  static Stream<Arguments> statusesOkHttpCouldFollowUp() {
    return Stream.of(
        Arguments.of(503, Map.of("Retry-After", "0")),
        Arguments.of(503, Map.of("Retry-After", HUGE_RETRY_AFTER)),
        Arguments.of(503, Map.of()),
        Arguments.of(429, Map.of("Retry-After", "0")),
        Arguments.of(500, Map.of()),
        Arguments.of(408, Map.of()),
        Arguments.of(401, Map.of("WWW-Authenticate", "Bearer")),
        Arguments.of(407, Map.of("Proxy-Authenticate", "Basic")),
        Arguments.of(421, Map.of()),
        Arguments.of(301, Map.of("Location", "/elsewhere")),
        Arguments.of(307, Map.of("Location", "/elsewhere")),
        Arguments.of(308, Map.of("Location", "/elsewhere")));
  }

  @ParameterizedTest(name = "HTTP {0} {1}")
  @MethodSource("statusesOkHttpCouldFollowUp")
  void evaluation_failureStatus_exactlyOneRequestAndARelayException(int status, Map<String, String> headers) {
    server.answer(status, headers, "{\"message\":\"no\"}");
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.evaluate("flag", context)).isInstanceOf(RelayException.class);
    }

    assertThat(server.requests()).containsExactly("POST /ofrep/v1/evaluate/flags/flag");
  }

  @Test
  void flagChanges_503WithRetryAfterZero_oneRequest() {
    server.answer(503, Map.of("Retry-After", "0"), "");
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.flagChanges(null)).isInstanceOf(RelayHttpException.class);
    }

    assertThat(server.requests()).containsExactly("GET /v1/flag/change");
  }

  @Test
  void collectorBatch_503WithRetryAfterZero_postedOnce() {
    server.answer(503, Map.of("Retry-After", "0"), "");
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.sendEvents(ENVELOPE, Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(RelayHttpException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    assertThat(server.requests()).containsExactly("POST /v1/data/collector");
  }

  /** Regression: OkHttp's own Retry-After parser threw NumberFormatException past 2^31. */
  @Test
  void retryAfterBeyondAnInt_on503_isAnUnavailableRelayFailure() {
    server.answer(503, Map.of("Retry-After", HUGE_RETRY_AFTER), "");
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.evaluate("flag", context))
          .isInstanceOfSatisfying(RelayHttpException.class, e -> assertThat(e.unavailable()).isTrue());
      assertThatThrownBy(() -> relay.flagChanges(null)).isInstanceOf(RelayHttpException.class);
      assertThatThrownBy(() -> relay.sendEvents(ENVELOPE, Duration.ofSeconds(5))).isInstanceOf(RelayHttpException.class);
    }
  }

  @Test
  void rateLimited_retryAfterStillPausesEveryRequest() {
    server.answer(429, Map.of("Retry-After", "120"), "");
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.evaluate("flag", context)).isInstanceOf(RelayHttpException.class);

      assertThatThrownBy(() -> relay.evaluate("flag", context)).isInstanceOf(RateLimitedException.class);
    }
    assertThat(server.requests()).hasSize(1);
  }

  /** A collector on another host that asks for a pause pauses only itself. */
  @Test
  void rateLimited_collectorOnAnotherHost_pausesOnlyTheCollector() throws Exception {
    try (StubHttpServer collector = new StubHttpServer();
        OkHttpRelayClient relay = clientOf(server, collector)) {
      collector.answer(429, Map.of("Retry-After", "600"), "");
      server.answer(200, Map.of("ETag", "\"1\""), "{\"flags\":{}}");

      assertThatThrownBy(() -> relay.sendEvents(ENVELOPE, Duration.ofSeconds(5))).isInstanceOf(RelayHttpException.class);
      assertThatThrownBy(() -> relay.sendEvents(ENVELOPE, Duration.ofSeconds(5))).isInstanceOf(RateLimitedException.class);
      relay.flagChanges(null);

      assertThat(collector.requests()).hasSize(1);
      assertThat(server.requests()).hasSize(1);
    }
  }

  /** A relay that asks for a pause does not silence a collector on another host. */
  @Test
  void rateLimited_relayWithTheCollectorOnAnotherHost_collectorStillPosts() throws Exception {
    try (StubHttpServer collector = new StubHttpServer();
        OkHttpRelayClient relay = clientOf(server, collector)) {
      server.answer(429, Map.of("Retry-After", "600"), "");
      collector.answer(200, Map.of(), "{\"ingestedContentCount\":0}");

      assertThatThrownBy(() -> relay.flagChanges(null)).isInstanceOf(RelayHttpException.class);
      assertThatThrownBy(() -> relay.flagChanges(null)).isInstanceOf(RateLimitedException.class);
      relay.sendEvents(ENVELOPE, Duration.ofSeconds(5));

      assertThat(server.requests()).hasSize(1);
      assertThat(collector.requests()).hasSize(1);
    }
  }

  /** The collector on the relay's own origin (another path) shares the relay's pause. */
  @Test
  void rateLimited_collectorOnTheRelaysOrigin_sharesThePause() {
    server.answer(429, Map.of("Retry-After", "600"), "");
    try (OkHttpRelayClient relay = clientOf(server.baseUri().resolve("/relay"), server.baseUri().resolve("/collector"))) {
      assertThatThrownBy(() -> relay.flagChanges(null)).isInstanceOf(RelayHttpException.class);

      assertThatThrownBy(() -> relay.sendEvents(ENVELOPE, Duration.ofSeconds(5))).isInstanceOf(RateLimitedException.class);
    }
    assertThat(server.requests()).hasSize(1);
  }

  private static OkHttpRelayClient clientOf(StubHttpServer relay, StubHttpServer collector) {
    return clientOf(relay.baseUri(), collector.baseUri());
  }

  private static OkHttpRelayClient clientOf(URI relay, URI collector) {
    return new OkHttpRelayClient(
        relay, collector, null, Map.of(), Duration.ofSeconds(5), new JsonCodec(Map.of("provider", "java", "openfeature", true)));
  }

  @Test
  void evaluation_200WithAnErrorCode_relayHttpExceptionWithThatCode() {
    server.answer(200, Map.of(), "{\"key\":\"flag\",\"errorCode\":\"FLAG_NOT_FOUND\",\"errorDetails\":\"flag not found\"}");
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.evaluate("flag", context))
          .isInstanceOfSatisfying(RelayHttpException.class, e -> assertThat(e.errorCode()).isEqualTo("FLAG_NOT_FOUND"));
    }
  }

  // Any failure of the HTTP layer is a RelayException.

  @Test
  void runtimeExceptionInTheHttpLayer_everyCallFailsWithAnUnavailableRelayException() {
    Interceptor broken =
        chain -> {
          throw new IllegalStateException("broken interceptor");
        };
    try (OkHttpRelayClient relay = clientOfServer(broken)) {
      assertThatThrownBy(() -> relay.evaluate("flag", context))
          .isInstanceOfSatisfying(
              RelayException.class,
              e -> {
                assertThat(e.unavailable()).isTrue();
                assertThat(e.getMessage()).contains("IllegalStateException", "broken interceptor", "/ofrep/v1/evaluate/flags/flag");
              });
      assertThatThrownBy(() -> relay.flagChanges(null)).isInstanceOf(RelayException.class);
      assertThatThrownBy(() -> relay.sendEvents(ENVELOPE, Duration.ofSeconds(5))).isInstanceOf(RelayException.class);
    }
  }

  // Bodies are read up to a bound.

  @Test
  void evaluation_endlessBody_relayDecodeExceptionNamingTheBound() {
    server.answer(StubHttpServer::endlessBody);
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.evaluate("flag", context))
          .isInstanceOf(RelayDecodeException.class)
          .hasMessageContaining("10 MiB");
    }
  }

  @Test
  void flagChanges_endlessBody_relayDecodeExceptionNamingTheBound() {
    server.answer(StubHttpServer::endlessBody);
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.flagChanges(null))
          .isInstanceOf(RelayDecodeException.class)
          .hasMessageContaining("10 MiB");
    }
  }

  @Test
  void evaluation_declaredLengthBeyondTheBound_refusedWithoutReadingIt() {
    server.answer(
        exchange -> {
          exchange.sendResponseHeaders(200, OkHttpRelayClient.MAX_ANSWER_BYTES + 1);
          OutputStream out = exchange.getResponseBody();
          out.write('{');
          out.flush(); // and no more: the announced length is a lie
        });
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.evaluate("flag", context))
          .isInstanceOf(RelayDecodeException.class)
          .hasMessageContaining("10 MiB");
    }
  }

  @Test
  void evaluation_bodyOfExactlyTheBound_read() throws RelayException {
    byte[] answer = "{\"key\":\"flag\",\"value\":true,\"reason\":\"STATIC\",\"variant\":\"on\"}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] padded = Arrays.copyOf(answer, (int) OkHttpRelayClient.MAX_ANSWER_BYTES);
    Arrays.fill(padded, answer.length, padded.length, (byte) ' ');
    server.answer(
        exchange -> {
          exchange.sendResponseHeaders(200, 0); // chunked: no length announced
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(padded);
          }
        });
    try (OkHttpRelayClient relay = clientOfServer()) {
      RelayAnswer result = relay.evaluate("flag", context);

      assertThat(result.value()).isEqualTo(true);
    }
  }

  @Test
  void errorStatus_endlessBody_stillTheStatusWithoutDetails() {
    server.answer(
        exchange -> {
          exchange.sendResponseHeaders(503, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            while (true) {
              out.write(new byte[64 * 1024]);
            }
          }
        });
    try (OkHttpRelayClient relay = clientOfServer()) {
      assertThatThrownBy(() -> relay.evaluate("flag", context))
          .isInstanceOfSatisfying(RelayHttpException.class, e -> assertThat(e.status()).isEqualTo(503));
    }
  }

  @Test
  void collectorAccepts_endlessBody_batchCountsAsSent() throws RelayException {
    server.answer(StubHttpServer::endlessBody);
    try (OkHttpRelayClient relay = clientOfServer()) {
      relay.sendEvents(ENVELOPE, Duration.ofSeconds(5));
    }
    assertThat(server.requests()).containsExactly("POST /v1/data/collector");
  }

  @Test
  void flagChanges_normalAnswerStillRead() throws RelayException {
    server.answer(200, Map.of("ETag", "\"1-a\""), "{\"hash\":1,\"flags\":{\"a\":2}}");
    try (OkHttpRelayClient relay = clientOfServer()) {
      FlagChanges changes = relay.flagChanges(null);

      assertThat(changes.flagHashes()).containsEntry("a", 2L);
      assertThat(changes.etag()).isEqualTo("\"1-a\"");
    }
  }
}
