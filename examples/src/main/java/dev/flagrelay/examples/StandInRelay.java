package dev.flagrelay.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A tiny relay-proxy stand-in on a loopback port, answering the endpoints the provider uses with
 * fixed answers shaped like the real relay's. For the example only: it does no targeting.
 */
final class StandInRelay implements AutoCloseable {
  private static final String METADATA =
      "{\"description\":\"this is a test\",\"gofeatureflag_cacheable\":true}";
  private static final Map<String, String> FLAGS =
      Map.of(
          "bool_targeting_match", answer("bool_targeting_match", "true", "TARGETING_MATCH", "True"),
          "string_key", answer("string_key", "\"CC0000\"", "TARGETING_MATCH", "True"),
          "integer_key", answer("integer_key", "100", "TARGETING_MATCH", "True"),
          "double_key", answer("double_key", "100.25", "TARGETING_MATCH", "True"),
          "object_key", answer("object_key", "{\"test\":\"test1\",\"test2\":false}", "TARGETING_MATCH", "True"),
          "disabled_bool", answer("disabled_bool", "null", "DISABLED", "SdkDefault"));

  private final HttpServer server;

  private StandInRelay(HttpServer server) {
    this.server = server;
  }

  static StandInRelay start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/flag/change", exchange -> send(exchange, 200, "{\"hash\":1,\"flags\":{}}"));
    server.createContext("/v1/data/collector", exchange -> send(exchange, 200, "{\"ingestedContentCount\":0}"));
    server.createContext("/ofrep/v1/evaluate/flags/", StandInRelay::evaluate);
    server.start();
    return new StandInRelay(server);
  }

  private static void evaluate(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getRawPath();
    String key = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    String body = FLAGS.get(key);
    if (body == null) {
      send(exchange, 404, "{\"key\":\"" + key + "\",\"errorCode\":\"FLAG_NOT_FOUND\",\"errorDetails\":\"flag not found\"}");
    } else {
      send(exchange, 200, body);
    }
  }

  private static String answer(String key, String value, String reason, String variant) {
    return String.format(
        "{\"key\":\"%s\",\"value\":%s,\"reason\":\"%s\",\"variant\":\"%s\",\"metadata\":%s}",
        key, value, reason, variant, METADATA);
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  String endpoint() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
