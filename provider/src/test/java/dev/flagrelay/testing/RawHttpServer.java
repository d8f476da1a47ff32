package dev.flagrelay.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP/1.1 server on raw sockets, for what a real server does not do on demand: a
 * response that stalls forever, bytes written at the test's pace, a connection closed at once.
 * Each connection's request head is recorded; the handler writes the raw response. Daemon
 * threads named {@code raw-http-server}; {@link #close()} closes every socket.
 */
public final class RawHttpServer implements AutoCloseable {
  /** Writes the response for one request; returning closes the connection. */
  @FunctionalInterface
  public interface Handler {
    void handle(String requestHead, OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
  private volatile Handler handler;

  public RawHttpServer(Handler handler) {
    this.handler = handler;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::accept, "raw-http-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  public void answer(Handler handler) {
    this.handler = handler;
  }

  /** The request line and headers of every request, in order. */
  public List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        sockets.add(socket);
        Thread connection = new Thread(() -> serve(socket), "raw-http-server");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException e) {
        return; // Closed.
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      String head = readHead(socket.getInputStream());
      requests.add(head);
      handler.handle(head, socket.getOutputStream());
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // The client went away.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

  /** Writes a status line and headers for an event stream (no length: the body ends with the connection). */
  public static void eventStreamHead(OutputStream out) throws IOException {
    write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n");
  }

  /** Writes a whole response with a body. */
  public static void respond(OutputStream out, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    write(out, "HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n");
    out.write(bytes);
    out.flush();
  }

  public static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Blocks until this server is closed: a response that never goes on. */
  public void stallUntilClosed() throws InterruptedException {
    closed.await();
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
