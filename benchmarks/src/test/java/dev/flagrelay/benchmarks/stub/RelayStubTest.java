package dev.flagrelay.benchmarks.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stub answers and counts what the providers send. Nothing here is timed. */
class RelayStubTest {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final RelayStub stub = RelayStub.start();
  private final OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();

  @AfterEach
  void tearDown() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    stub.close();
  }

  @Test
  void ofrepEvaluation_answersTheFixedOfrepBody_andRecordsTheRequestBody() throws IOException {
    Answer answer = post("/ofrep/v1/evaluate/flags/some-flag", "{\"context\":{\"targetingKey\":\"u\"}}");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(RelayStub.OFREP_ANSWER);
    assertThat(stub.count(RelayStub.Route.OFREP_EVALUATE)).isEqualTo(1);
    assertThat(new String(stub.lastBody(RelayStub.Route.OFREP_EVALUATE), StandardCharsets.UTF_8))
        .isEqualTo("{\"context\":{\"targetingKey\":\"u\"}}");
  }

  @Test
  void legacyEvaluation_answersTheRelayFixtureBody() throws IOException {
    Answer answer = post("/v1/feature/some-flag/eval", "{\"user\":{\"key\":\"u\"},\"defaultValue\":false}");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(RelayStub.LEGACY_ANSWER);
    assertThat(stub.count(RelayStub.Route.LEGACY_EVALUATE)).isEqualTo(1);
    assertThat(stub.evaluations()).isEqualTo(1);
  }

  @Test
  void flagChange_withoutEtag_answersBodyAndEtag() throws IOException {
    try (Response response = client.newCall(new Request.Builder().url(stub.baseUrl() + "/v1/flag/change").build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.header("ETag")).isEqualTo(RelayStub.FLAG_CHANGE_ETAG);
      assertThat(response.body().string()).isEqualTo(RelayStub.FLAG_CHANGE_ANSWER);
    }
  }

  @Test
  void flagChange_withMatchingEtag_answers304() throws IOException {
    Request request =
        new Request.Builder()
            .url(stub.baseUrl() + "/v1/flag/change")
            .header("If-None-Match", RelayStub.FLAG_CHANGE_ETAG)
            .build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(304);
    }
    assertThat(stub.count(RelayStub.Route.FLAG_CHANGE)).isEqualTo(1);
  }

  @Test
  void dataCollector_isCountedOnItsOwnRoute() throws IOException {
    assertThat(post("/v1/data/collector", "{\"events\":[]}").status()).isEqualTo(200);

    assertThat(stub.count(RelayStub.Route.DATA_COLLECTOR)).isEqualTo(1);
    assertThat(stub.evaluations()).isZero();
  }

  @Test
  void dataCollectorBodies_areSkippedButCounted_andTheConnectionStaysUsable() throws IOException {
    String batch = "{\"events\":[" + "{\"kind\":\"feature\"},".repeat(2_000) + "{}]}"; // Several reader buffers.
    RequestBody chunked =
        new RequestBody() {
          @Override
          public MediaType contentType() {
            return JSON;
          }

          @Override
          public void writeTo(BufferedSink sink) throws IOException {
            sink.writeUtf8(batch.substring(0, 10_000));
            sink.flush();
            sink.writeUtf8(batch.substring(10_000));
          }
        };

    assertThat(post("/v1/data/collector", batch).status()).isEqualTo(200);
    try (Response response =
        client.newCall(new Request.Builder().url(stub.baseUrl() + "/v1/data/collector").post(chunked).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    Answer after = post("/ofrep/v1/evaluate/flags/f", "{\"context\":{}}");

    assertThat(stub.bodyBytes(RelayStub.Route.DATA_COLLECTOR)).isEqualTo(2L * batch.length());
    assertThat(stub.lastBody(RelayStub.Route.DATA_COLLECTOR)).isEmpty();
    assertThat(after.body()).isEqualTo(RelayStub.OFREP_ANSWER);
    assertThat(stub.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void unknownRoute_answers404_andIsCountedAsOther() throws IOException {
    assertThat(post("/v1/allflags", "{}").status()).isEqualTo(404);

    assertThat(stub.count(RelayStub.Route.OTHER)).isEqualTo(1);
  }

  @Test
  void chunkedBody_isReadWhole() throws IOException {
    RequestBody chunked =
        new RequestBody() {
          @Override
          public MediaType contentType() {
            return JSON;
          }

          @Override
          public void writeTo(BufferedSink sink) throws IOException {
            sink.writeUtf8("{\"context\":");
            sink.flush();
            sink.writeUtf8("{}}");
          }
        };
    Request request = new Request.Builder().url(stub.baseUrl() + "/ofrep/v1/evaluate/flags/f").post(chunked).build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    assertThat(new String(stub.lastBody(RelayStub.Route.OFREP_EVALUATE), StandardCharsets.UTF_8))
        .isEqualTo("{\"context\":{}}");
  }

  @Test
  void sequentialRequests_shareOneKeptAliveConnection() throws IOException {
    for (int i = 0; i < 5; i++) {
      post("/ofrep/v1/evaluate/flags/f", "{}");
    }

    assertThat(stub.connectionsOpened()).isEqualTo(1);
    assertThat(stub.count(RelayStub.Route.OFREP_EVALUATE)).isEqualTo(5);
  }

  @Test
  void close_endsAnAnswerDelayedByTheCollector() {
    stub.collectorDelay(Duration.ofMinutes(5));
    CompletableFuture<Answer> pending =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return post("/v1/data/collector", "{}");
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    await().until(() -> stub.count(RelayStub.Route.DATA_COLLECTOR) == 1);

    stub.close();

    assertThatThrownBy(pending::join).hasRootCauseInstanceOf(IOException.class);
  }

  private Answer post(String path, String body) throws IOException {
    Request request = new Request.Builder().url(stub.baseUrl() + path).post(RequestBody.create(body, JSON)).build();
    try (Response response = client.newCall(request).execute()) {
      return new Answer(response.code(), response.body().string());
    }
  }

  private record Answer(int status, String body) {}
}
