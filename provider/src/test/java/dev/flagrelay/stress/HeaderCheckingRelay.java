package dev.flagrelay.stress;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback relay stand-in that checks the headers of every request it receives against what its
 * path must carry: evaluations and collector posts exactly the client's template, flag-change
 * polls the template plus their own {@code If-None-Match}. Headers OkHttp adds for the transport
 * are ignored. Evaluations answer their own flag key as the value and polls echo their {@code
 * If-None-Match} as the ETag, so the caller can check that the answer is its own.
 */
final class HeaderCheckingRelay implements AutoCloseable {
  private static final Set<String> TRANSPORT =
      Set.of("host", "connection", "accept-encoding", "content-type", "content-length", "transfer-encoding");
  private static final String EVALUATE = "/ofrep/v1/evaluate/flags/";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private volatile Map<String, String> template = Map.of();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  final AtomicInteger evaluations = new AtomicInteger();
  final AtomicInteger polls = new AtomicInteger();
  final AtomicInteger posts = new AtomicInteger();

  HeaderCheckingRelay() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.setExecutor(executor);
    server.createContext(EVALUATE, this::evaluate);
    server.createContext("/v1/flag/change", this::poll);
    server.createContext("/v1/data/collector", this::collect);
    server.start();
  }

  /** Sets the headers every request must carry, by name. */
  void expect(okhttp3.Headers headers) {
    Map<String, String> byName = new HashMap<>();
    headers.forEach(header -> byName.put(header.getFirst(), header.getSecond()));
    template = lowerCaseNames(byName);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Moves what the server saw wrong into {@code out}; returns whether there was anything. */
  boolean drainInto(Race.Violations out) {
    boolean any = false;
    String violation;
    while ((violation = violations.poll()) != null) {
      out.report(Symptom.FOREIGN_HEADER, violation);
      any = true;
    }
    return any;
  }

  private void evaluate(HttpExchange exchange) throws IOException {
    evaluations.incrementAndGet();
    String flag = exchange.getRequestURI().getRawPath().substring(EVALUATE.length());
    check("evaluation of " + flag, exchange.getRequestHeaders(), template);
    exchange.getRequestBody().readAllBytes();
    respond(exchange, 200, "{\"key\":\"" + flag + "\",\"value\":\"" + flag + "\",\"reason\":\"STATIC\",\"variant\":\"v\"}");
  }

  private void poll(HttpExchange exchange) throws IOException {
    polls.incrementAndGet();
    String etag = exchange.getRequestHeaders().getFirst("If-None-Match");
    Map<String, String> expected = new HashMap<>(template);
    if (etag != null) {
      expected.put("if-none-match", etag);
    }
    check("flag-change poll", exchange.getRequestHeaders(), expected);
    exchange.getResponseHeaders().set("ETag", etag == null ? "\"none\"" : etag);
    respond(exchange, 200, "{\"flags\":{\"f\":1}}");
  }

  private void collect(HttpExchange exchange) throws IOException {
    posts.incrementAndGet();
    check("collector post", exchange.getRequestHeaders(), template);
    exchange.getRequestBody().readAllBytes();
    respond(exchange, 200, "{}");
  }

  private void check(String request, Headers received, Map<String, String> expected) {
    Map<String, String> own = new HashMap<>();
    for (Map.Entry<String, List<String>> header : received.entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (TRANSPORT.contains(name)) {
        continue;
      }
      if (header.getValue().size() != 1) {
        violations.add(request + " carried " + name + " " + header.getValue().size() + " times: " + header.getValue());
        return;
      }
      own.put(name, header.getValue().get(0));
    }
    if (!own.equals(expected)) {
      violations.add(request + " carried " + own + ", expected " + expected);
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(status, bytes.length);
      out.write(bytes);
    }
  }

  private static Map<String, String> lowerCaseNames(Map<String, String> headers) {
    Map<String, String> lower = new HashMap<>();
    headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
    return Map.copyOf(lower);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
