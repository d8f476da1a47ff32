package dev.flagrelay.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.FlagChangeEvent;
import dev.flagrelay.internal.relay.FlagChangeStream;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import dev.flagrelay.testing.RawHttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stream connection over OkHttp against a raw-socket relay stand-in. */
class OkHttpFlagChangeStreamTest {
  private static final String KEY = "s3cret-key+/=";
  private static final String EVENT =
      "id:\ndata: {\"deleted\":{\"d\":{}},\"added\":{\"a\":{}},\"updated\":{\"u\":{\"old_value\":{},\"new_value\":{}}}}\n\n";

  private final List<RawHttpServer> servers = new ArrayList<>();
  private final List<OkHttpRelayClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(OkHttpRelayClient::close);
    servers.forEach(RawHttpServer::close);
  }

  private RawHttpServer server(RawHttpServer.Handler handler) {
    RawHttpServer server = new RawHttpServer(handler);
    servers.add(server);
    return server;
  }

  private OkHttpRelayClient client(URI endpoint, String apiKey) {
    OkHttpRelayClient client =
        new OkHttpRelayClient(
            endpoint,
            endpoint,
            apiKey,
            Map.of("X-Team", "payments"),
            Duration.ofSeconds(2),
            new JsonCodec(Map.of()));
    clients.add(client);
    return client;
  }

  /** Records what a read hands over. */
  private static final class Recorder implements FlagChangeStream.Listener {
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void changed(FlagChangeEvent event) {
      seen.add(event.flagKeys().toString());
    }

    @Override
    public void malformed(String reason) {
      seen.add("malformed: " + reason);
    }
  }

  @Test
  void request_streamPathKeyInTheQuery_acceptsEventStream_noLastEventId() throws Exception {
    RawHttpServer server = server((head, out) -> RawHttpServer.eventStreamHead(out));
    FlagChangeStream stream = client(server.baseUri(), KEY).flagChangeStream();

    stream.connect();
    stream.read(new Recorder());

    String head = server.requests().get(0);
    assertThat(head).startsWith("GET /stream/v1/sse/flag/change?apiKey=s3cret-key%2B%2F%3D HTTP/1.1\r\n");
    assertThat(head).containsIgnoringCase("Accept: text/event-stream\r\n");
    assertThat(head).containsIgnoringCase("X-Team: payments\r\n");
    assertThat(head.toLowerCase()).doesNotContain("last-event-id");
  }

  @Test
  void noApiKey_noQuery() throws Exception {
    RawHttpServer server = server((head, out) -> RawHttpServer.eventStreamHead(out));
    FlagChangeStream stream = client(server.baseUri(), null).flagChangeStream();

    stream.connect();

    assertThat(server.requests().get(0)).startsWith("GET /stream/v1/sse/flag/change HTTP/1.1\r\n");
  }

  @Test
  void event_namesEveryAddedDeletedAndUpdatedFlagSorted_thenEndOfStream() throws Exception {
    RawHttpServer server =
        server((head, out) -> {
          RawHttpServer.eventStreamHead(out);
          RawHttpServer.write(out, EVENT);
        });
    FlagChangeStream stream = client(server.baseUri(), KEY).flagChangeStream();
    Recorder recorder = new Recorder();

    stream.connect();
    stream.read(recorder);

    assertThat(recorder.seen).containsExactly("[a, d, u]");
  }

  @Test
  void malformedData_reportedWithoutTheData_streamGoesOn() throws Exception {
    RawHttpServer server =
        server((head, out) -> {
          RawHttpServer.eventStreamHead(out);
          RawHttpServer.write(out, "data: {not json, secret-looking-value\n\n");
          RawHttpServer.write(out, "data: [1,2]\n\n");
          RawHttpServer.write(out, "data: {\"added\":\"x\"}\n\n");
          RawHttpServer.write(out, EVENT);
        });
    FlagChangeStream stream = client(server.baseUri(), KEY).flagChangeStream();
    Recorder recorder = new Recorder();

    stream.connect();
    stream.read(recorder);

    assertThat(recorder.seen).hasSize(4).last().isEqualTo("[a, d, u]");
    assertThat(recorder.seen.subList(0, 3)).allSatisfy(seen -> assertThat(seen).startsWith("malformed: "));
    assertThat(recorder.seen).noneMatch(seen -> seen.contains("secret-looking-value"));
  }

  @Test
  void stalledStream_closeFromAnotherThread_unblocksTheReadAtOnce() throws Exception {
    CountDownLatch headSent = new CountDownLatch(1);
    RawHttpServer[] self = new RawHttpServer[1];
    self[0] =
        server((head, out) -> {
          RawHttpServer.eventStreamHead(out);
          headSent.countDown();
          self[0].stallUntilClosed();
        });
    FlagChangeStream stream = client(self[0].baseUri(), KEY).flagChangeStream();
    stream.connect();
    CompletableFuture<Throwable> reading =
        CompletableFuture.supplyAsync(() -> {
          try {
            stream.read(new Recorder());
            return null;
          } catch (RelayException e) {
            return e;
          }
        });
    assertThat(headSent.await(5, TimeUnit.SECONDS)).isTrue();

    stream.close();

    Throwable failure = reading.get(5, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(RelayUnreachableException.class).hasMessageContaining("was closed");
    assertThat(failure.getMessage()).doesNotContain("s3cret");
    assertThat(failure.getCause()).isNull();
  }

  @Test
  void closeBeforeConnect_connectFailsAtOnce() {
    RawHttpServer server = server((head, out) -> RawHttpServer.eventStreamHead(out));
    FlagChangeStream stream = client(server.baseUri(), KEY).flagChangeStream();

    stream.close();

    assertThatThrownBy(stream::connect).isInstanceOf(RelayUnreachableException.class);
  }

  @Test
  void notFound_isA404WithoutErrorCode() {
    RawHttpServer server = server((head, out) -> RawHttpServer.respond(out, 404, "text/plain", "404 page not found"));

    assertThatThrownBy(() -> client(server.baseUri(), KEY).flagChangeStream().connect())
        .isInstanceOfSatisfying(RelayHttpException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.errorCode()).isNull();
        });
  }

  @Test
  void refusedKey_echoedByTheRelayInItsMessage_redacted() {
    RawHttpServer server =
        server((head, out) -> RawHttpServer.respond(out, 401, "application/json",
            "{\"message\":\"invalid key s3cret-key+/= in /stream/v1/sse/flag/change?apiKey=s3cret-key%2B/%3D\"}"));

    assertThatThrownBy(() -> client(server.baseUri(), KEY).flagChangeStream().connect())
        .isInstanceOfSatisfying(RelayHttpException.class, e -> {
          assertThat(e.unauthorized()).isTrue();
          assertThat(e.getMessage()).doesNotContain("s3cret").contains("***");
        });
  }

  @Test
  void nothingListening_unreachable_messageWithoutTheKey() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    assertThatThrownBy(() -> client(URI.create("http://127.0.0.1:" + port), KEY).flagChangeStream().connect())
        .isInstanceOfSatisfying(RelayUnreachableException.class, e -> {
          assertThat(e.getMessage()).doesNotContain("s3cret");
          assertThat(e.getCause()).isNull();
        });
  }

  @Test
  void connectionCutMidEvent_brokenNotEnded() throws InterruptedException, ExecutionException {
    RawHttpServer server =
        server((head, out) -> {
          RawHttpServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
          RawHttpServer.write(out, "5\r\ndata:\r\n"); // Then the socket closes mid-chunk.
        });
    FlagChangeStream stream = client(server.baseUri(), KEY).flagChangeStream();

    assertThatThrownBy(() -> {
          stream.connect();
          stream.read(new Recorder());
        })
        .isInstanceOf(RelayUnreachableException.class)
        .hasMessageContaining("broke")
        .hasMessageNotContaining("s3cret");
  }
}
