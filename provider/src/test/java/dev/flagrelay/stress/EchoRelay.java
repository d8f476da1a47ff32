package dev.flagrelay.stress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * A loopback relay stand-in that answers every evaluation with the caller's own targeting key as
 * the value, after a delay chosen per request: an answer that reaches the wrong caller shows.
 */
final class EchoRelay implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  final AtomicInteger evaluations = new AtomicInteger();

  /** @param delayMillis the delay before answering, from the request's targeting key */
  EchoRelay(ToLongFunction<String> delayMillis) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/ofrep/v1/evaluate/flags/", exchange -> evaluate(exchange, delayMillis));
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void evaluate(HttpExchange exchange, ToLongFunction<String> delayMillis) throws IOException {
    JsonNode context = JSON.readTree(exchange.getRequestBody().readAllBytes()).get("context");
    String user = context.get("targetingKey").asText();
    evaluations.incrementAndGet();
    try {
      Thread.sleep(delayMillis.applyAsLong(user));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String body =
        "{\"key\":\"echo\",\"value\":\"" + user + "\",\"reason\":\"TARGETING_MATCH\",\"variant\":\"echo\","
            + "\"metadata\":{\"gofeatureflag_cacheable\":true}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(200, bytes.length);
      out.write(bytes);
    } catch (IOException clientGaveUp) {
      // The client timed out and closed the connection: expected at the timeout boundary.
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
