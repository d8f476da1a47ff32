package dev.flagrelay.benchmarks.inprocess;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback stand-in for the relay's {@code POST /v1/flag/configuration}: serves one of two
 * configuration bodies with a strong ETag and answers 304 to a matching {@code If-None-Match}, as
 * the relay does. {@link #swap()} switches bodies. Requests here are one per polling interval, so
 * the JDK server (one thread) is enough; the collector traffic goes to {@code RelayStub}.
 */
final class ConfigurationServer implements AutoCloseable {
  private static final String PATH = "/v1/flag/configuration";

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[][] bodies;
  private final AtomicLong generation = new AtomicLong();
  private final AtomicLong fetched = new AtomicLong();
  private final AtomicLong notModified = new AtomicLong();

  private ConfigurationServer(HttpServer server, ExecutorService executor, byte[]... bodies) {
    this.server = server;
    this.executor = executor;
    this.bodies = bodies;
  }

  /** Serves {@code bodies[0]} until the first {@link #swap()}, then the next, round robin. */
  static ConfigurationServer start(byte[]... bodies) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor =
          Executors.newSingleThreadExecutor(
              task -> {
                Thread thread = new Thread(task, "bench-configuration-server");
                thread.setDaemon(true);
                return thread;
              });
      ConfigurationServer configurations = new ConfigurationServer(server, executor, bodies);
      server.createContext(PATH, configurations::handle);
      server.setExecutor(executor);
      server.start();
      return configurations;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Serves the next body from now on. */
  void swap() {
    generation.incrementAndGet();
  }

  /** Answers with a body (200), i.e. configurations the provider fetched and compiled. */
  long fetched() {
    return fetched.get();
  }

  long notModified() {
    return notModified.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (InputStream request = exchange.getRequestBody()) {
      request.readAllBytes();
    }
    long current = generation.get();
    String etag = "\"generation-" + current + "\"";
    exchange.getResponseHeaders().set("ETag", etag);
    if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
      notModified.incrementAndGet();
      exchange.sendResponseHeaders(304, -1);
      exchange.close();
      return;
    }
    byte[] body = bodies[(int) (current % bodies.length)];
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    fetched.incrementAndGet();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
