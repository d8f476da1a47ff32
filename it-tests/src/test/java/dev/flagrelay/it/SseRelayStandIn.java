package dev.flagrelay.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A relay stand-in on raw sockets, for what the real relay will not do on demand with its stream:
 * stall forever, answer 404, send malformed data, close at once. It serves {@code GET
 * /v1/flag/change} from {@link #hashes} (ETag = their hash code), every OFREP evaluation as a
 * cacheable answer whose value names the flag's hash, and {@code POST /v1/data/collector}; the
 * stream path is answered by the {@link StreamHandler} the test sets. Daemon threads named
 * {@code sse-stand-in}; {@link #close()} ends every connection.
 */
final class SseRelayStandIn implements AutoCloseable {
  static final String STREAM_PATH = "/stream/v1/sse/flag/change";

  /** Answers one stream request; returning closes the connection. */
  @FunctionalInterface
  interface StreamHandler {
    void handle(OutputStream out) throws IOException, InterruptedException;
  }

  final Map<String, Long> hashes = new ConcurrentHashMap<>(Map.of("a", 1L, "b", 1L));
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<String> streamRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger flagChangeRequests = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile StreamHandler stream = out -> stallUntilClosed();

  SseRelayStandIn() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon(this::accept).start();
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "sse-stand-in");
    thread.setDaemon(true);
    return thread;
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  SseRelayStandIn stream(StreamHandler handler) {
    this.stream = handler;
    return this;
  }

  /** The request line and headers of every stream request. */
  List<String> streamRequests() {
    return List.copyOf(streamRequests);
  }

  int flagChangeRequests() {
    return flagChangeRequests.get();
  }

  void stallUntilClosed() throws InterruptedException {
    closed.await();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        daemon(() -> serve(socket)).start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** One request per connection ({@code Connection: close} on every answer). */
  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      String requestLine = head.lines().findFirst().orElse("");
      skipBody(in, head);
      OutputStream out = socket.getOutputStream();
      String path = requestLine.split(" ").length > 1 ? requestLine.split(" ")[1] : "";
      if (path.startsWith(STREAM_PATH)) {
        streamRequests.add(head);
        stream.handle(out);
      } else if (path.startsWith("/v1/flag/change")) {
        flagChangeRequests.incrementAndGet();
        respond(out, 200, "application/json", flagChangeBody(), "ETag: \"" + hashes.hashCode() + "\"\r\n");
      } else if (path.startsWith("/ofrep/v1/evaluate/flags/")) {
        String flag = path.substring("/ofrep/v1/evaluate/flags/".length());
        respond(out, 200, "application/json",
            "{\"key\":\"" + flag + "\",\"value\":\"v-" + flag + "-" + hashes.get(flag) + "\",\"variant\":\"v\","
                + "\"reason\":\"TARGETING_MATCH\",\"metadata\":{\"gofeatureflag_cacheable\":true}}", "");
      } else {
        respond(out, 200, "application/json", "{}", "");
      }
    } catch (IOException e) {
      // The client went away.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String flagChangeBody() {
    String flags = hashes.entrySet().stream()
        .map(entry -> "\"" + entry.getKey() + "\":" + entry.getValue())
        .collect(Collectors.joining(","));
    return "{\"hash\":" + hashes.hashCode() + ",\"flags\":{" + flags + "}}";
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while (matched < 4 && (b = in.read()) != -1) {
      head.write(b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static void skipBody(InputStream in, String head) throws IOException {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring("content-length:".length()).trim()));
      }
    }
  }

  static void eventStreamHead(OutputStream out) throws IOException {
    write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n");
  }

  static void respond(OutputStream out, int status, String contentType, String body, String extraHeaders)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    write(out, "HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
        + "\r\n" + extraHeaders + "Connection: close\r\n\r\n");
    out.write(bytes);
    out.flush();
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing anyway.
      }
    }
  }
}
