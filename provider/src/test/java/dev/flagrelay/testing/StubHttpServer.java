package dev.flagrelay.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on a loopback port that answers every request with the scripted response
 * and records the path of each request it received. For transport tests (request counts, bodies
 * beyond a bound); the JDK's own server, so the provider needs no extra test dependency.
 */
public final class StubHttpServer implements AutoCloseable {
  /** How the server answers one request. */
  @FunctionalInterface
  public interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "stub-http-server");
            thread.setDaemon(true);
            return thread;
          });
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile Handler handler = exchange -> respond(exchange, 200, Map.of(), "{}");

  public StubHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            handler.handle(exchange);
          } catch (IOException e) {
            // The client went away (it stopped reading a body beyond its bound): expected.
          }
        });
    server.setExecutor(threads);
    server.start();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public StubHttpServer answer(Handler handler) {
    this.handler = handler;
    return this;
  }

  /** Answers every request with {@code status}, {@code headers} and the JSON {@code body}. */
  public StubHttpServer answer(int status, Map<String, String> headers, String body) {
    return answer(exchange -> respond(exchange, status, headers, body));
  }

  /** Method and path of every request received, in order. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body)
      throws IOException {
    headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Answers 200 with a chunked body that never ends: writes until the client hangs up. */
  public static void endlessBody(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    byte[] chunk = new byte[64 * 1024];
    java.util.Arrays.fill(chunk, (byte) ' ');
    try (OutputStream out = exchange.getResponseBody()) {
      out.write('{');
      while (true) {
        out.write(chunk);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
