package dev.flagrelay.benchmarks.stub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback stand-in for the GO Feature Flag relay proxy that answers every route with a fixed
 * body, counts requests per route, and can delay evaluations and the data collector.
 *
 * <p>Design: a raw HTTP/1.1 keep-alive server with one daemon thread per connection. A request is
 * parsed and answered on the thread that read it, with no hand-off to a pool, so an answer costs
 * one read and one write on loopback; delays sleep on that connection's thread only, so a slow
 * collector never slows an evaluation on another connection. Clients open at most a few dozen
 * connections here, so a thread each is cheap. It understands exactly what the two providers
 * send: {@code Content-Length} or chunked bodies, {@code Connection: close}, {@code
 * If-None-Match} on the flag-change route. Not a general HTTP server.
 */
public final class RelayStub implements AutoCloseable {
  /** The routes the stub tells apart, each counted separately. */
  public enum Route {
    /** {@code GET /v1/flag/change}. */
    FLAG_CHANGE,
    /** {@code POST /ofrep/v1/evaluate/flags/{key}}: flagrelay's evaluation. */
    OFREP_EVALUATE,
    /** {@code POST /v1/feature/{key}/eval}: the legacy evaluation the official 0.4.3 provider calls. */
    LEGACY_EVALUATE,
    /** {@code POST /v1/data/collector}. */
    DATA_COLLECTOR,
    /** Anything else: answered 404. */
    OTHER
  }

  /** The OFREP answer to every evaluation: cacheable, so the provider may keep it. */
  public static final String OFREP_ANSWER =
      "{\"key\":\"k\",\"value\":true,\"reason\":\"TARGETING_MATCH\",\"variant\":\"on\","
          + "\"metadata\":{\"gofeatureflag_cacheable\":true}}";
  /** The legacy answer, as in the relay fixture {@code goff/flag_eval/valid_response.json}. */
  public static final String LEGACY_ANSWER =
      "{\"trackEvents\":true,\"variationType\":\"on\",\"failed\":false,\"version\":\"\","
          + "\"reason\":\"TARGETING_MATCH\",\"errorCode\":\"\",\"value\":true,\"cacheable\":true}";
  /** The flag-change answer: no flags, a hash that never changes. */
  public static final String FLAG_CHANGE_ANSWER = "{\"hash\":1,\"flags\":{}}";
  /** The ETag of the flag-change answer; a matching {@code If-None-Match} gets a 304. */
  public static final String FLAG_CHANGE_ETAG = "\"1\"";

  private static final String COLLECTOR_PATH = "/v1/data/collector";
  private static final String COLLECTOR_ANSWER = "{\"ingestedContentCount\":0}";
  private static final String NOT_FOUND_ANSWER = "{\"errorCode\":\"NOT_FOUND\",\"errorDetails\":\"no such route\"}";

  /** Whole responses, head and body, built once: each answer is one write. */
  private static final byte[] OFREP_RESPONSE = response("200 OK", OFREP_ANSWER, null);
  private static final byte[] LEGACY_RESPONSE = response("200 OK", LEGACY_ANSWER, null);
  private static final byte[] FLAG_CHANGE_RESPONSE = response("200 OK", FLAG_CHANGE_ANSWER, FLAG_CHANGE_ETAG);
  private static final byte[] NOT_MODIFIED_RESPONSE = response("304 Not Modified", null, FLAG_CHANGE_ETAG);
  private static final byte[] COLLECTOR_RESPONSE = response("200 OK", COLLECTOR_ANSWER, null);
  private static final byte[] NOT_FOUND_RESPONSE = response("404 Not Found", NOT_FOUND_ANSWER, null);

  private final ServerSocket server;
  private final Thread acceptor;
  private final Map<Socket, Thread> connections = new ConcurrentHashMap<>();
  private final AtomicInteger connectionsOpened = new AtomicInteger();
  private final Map<Route, LongAdder> counts = new EnumMap<>(Route.class);
  private final Map<Route, LongAdder> bodyBytes = new EnumMap<>(Route.class);
  private final Map<Route, AtomicReference<byte[]>> lastBodies = new EnumMap<>(Route.class);
  /** Read by every connection thread; set by the benchmark between runs. */
  private volatile long evaluationDelayMillis;
  /** Read by every connection thread; set by the benchmark between runs. */
  private volatile long collectorDelayMillis;
  private volatile boolean closed;

  private RelayStub(ServerSocket server) {
    this.server = server;
    for (Route route : Route.values()) {
      counts.put(route, new LongAdder());
      bodyBytes.put(route, new LongAdder());
      lastBodies.put(route, new AtomicReference<>(new byte[0]));
    }
    this.acceptor = new Thread(this::acceptLoop, "relay-stub-acceptor");
    acceptor.setDaemon(true);
  }

  /** Starts a stub on an ephemeral loopback port. */
  public static RelayStub start() {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
      RelayStub stub = new RelayStub(server);
      stub.acceptor.start();
      return stub;
    } catch (IOException e) {
      throw new IllegalStateException("relay stub could not bind a loopback port", e);
    }
  }

  /** The base URL to give a provider, such as {@code http://127.0.0.1:41234}. */
  public String baseUrl() {
    return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  /** Delays every evaluation answer (both routes) by {@code delay}; zero for none. */
  public RelayStub evaluationDelay(Duration delay) {
    this.evaluationDelayMillis = delay.toMillis();
    return this;
  }

  /** Delays every data-collector answer by {@code delay}; zero for none. */
  public RelayStub collectorDelay(Duration delay) {
    this.collectorDelayMillis = delay.toMillis();
    return this;
  }

  /** Requests received on {@code route} since the start. */
  public long count(Route route) {
    return counts.get(route).sum();
  }

  /** Body bytes received on {@code route} since the start, kept or not. */
  public long bodyBytes(Route route) {
    return bodyBytes.get(route).sum();
  }

  /** Evaluation requests received on either evaluation route. */
  public long evaluations() {
    return count(Route.OFREP_EVALUATE) + count(Route.LEGACY_EVALUATE);
  }

  /**
   * The body of the last request received on {@code route}; empty when none. Collector bodies are
   * never kept (only their length is counted).
   */
  public byte[] lastBody(Route route) {
    return lastBodies.get(route).get().clone();
  }

  /** Connections accepted since the start. */
  public int connectionsOpened() {
    return connectionsOpened.get();
  }

  /** One line of counts per route, for a benchmark's tear-down output. */
  public String summary() {
    StringBuilder line = new StringBuilder("relay stub:");
    for (Route route : Route.values()) {
      line.append(' ').append(route).append('=').append(count(route));
    }
    line.append(" collectorBytes=").append(bodyBytes.get(Route.DATA_COLLECTOR).sum());
    return line.append(" connections=").append(connectionsOpened()).toString();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        socket.setReceiveBufferSize(1024 * 1024); // Collector batches are megabytes: fewer wake-ups.
        int id = connectionsOpened.incrementAndGet();
        Thread thread = new Thread(() -> serve(socket), "relay-stub-conn-" + id);
        thread.setDaemon(true);
        connections.put(socket, thread);
        thread.start();
      } catch (IOException e) {
        if (!closed) {
          System.err.println("relay stub: accept failed: " + e);
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      RequestReader reader = new RequestReader(in, path -> path.equals(COLLECTOR_PATH));
      Request request;
      while ((request = reader.next()) != null) {
        respond(request, out);
        if (request.closeAfter()) {
          break;
        }
      }
    } catch (SocketException e) {
      // The client or close() dropped the connection: nothing to report.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close() woke a delayed answer: the thread ends here.
    } catch (IOException e) {
      if (!closed) {
        System.err.println("relay stub: connection failed: " + e);
      }
    } finally {
      connections.remove(socket);
    }
  }

  private void respond(Request request, OutputStream out) throws IOException, InterruptedException {
    Route route = route(request);
    counts.get(route).increment();
    bodyBytes.get(route).add(request.bodyLength());
    if (route != Route.DATA_COLLECTOR) {
      lastBodies.get(route).set(request.body());
    }
    out.write(answer(route, request));
    out.flush();
  }

  private byte[] answer(Route route, Request request) throws InterruptedException {
    switch (route) {
      case OFREP_EVALUATE:
        pause(evaluationDelayMillis);
        return OFREP_RESPONSE;
      case LEGACY_EVALUATE:
        pause(evaluationDelayMillis);
        return LEGACY_RESPONSE;
      case FLAG_CHANGE:
        return FLAG_CHANGE_ETAG.equals(request.ifNoneMatch()) ? NOT_MODIFIED_RESPONSE : FLAG_CHANGE_RESPONSE;
      case DATA_COLLECTOR:
        pause(collectorDelayMillis);
        return COLLECTOR_RESPONSE;
      default:
        return NOT_FOUND_RESPONSE;
    }
  }

  static Route route(Request request) {
    String path = request.path();
    boolean post = request.method().equals("POST");
    if (post && path.startsWith("/ofrep/v1/evaluate/flags/")) {
      return Route.OFREP_EVALUATE;
    }
    if (post && path.startsWith("/v1/feature/") && path.endsWith("/eval")) {
      return Route.LEGACY_EVALUATE;
    }
    if (post && path.equals(COLLECTOR_PATH)) {
      return Route.DATA_COLLECTOR;
    }
    if (request.method().equals("GET") && path.equals("/v1/flag/change")) {
      return Route.FLAG_CHANGE;
    }
    return Route.OTHER;
  }

  private static void pause(long millis) throws InterruptedException {
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private static byte[] response(String status, String body, String etag) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(160).append("HTTP/1.1 ").append(status).append("\r\n");
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
    }
    if (etag != null) {
      head.append("ETag: ").append(etag).append("\r\n");
    }
    byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] whole = Arrays.copyOf(headBytes, headBytes.length + bytes.length);
    System.arraycopy(bytes, 0, whole, headBytes.length, bytes.length);
    return whole;
  }

  /** Stops accepting, drops every open connection (waking delayed answers), and returns. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      System.err.println("relay stub: close failed: " + e);
    }
    for (Map.Entry<Socket, Thread> connection : connections.entrySet()) {
      connection.getValue().interrupt();
      try {
        connection.getKey().close();
      } catch (IOException e) {
        // Closing anyway.
      }
    }
    acceptor.interrupt();
  }
}
