package dev.flagrelay.it.conformance.backend;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real relay proxy as a child process on a fixed loopback port, serving a flag file it re-reads
 * every second, from a temporary folder it owns; it can be stopped and started again on the same
 * port.
 *
 * <p>{@code dev.flagrelay.it.RelayProxy} does the same for the other integration tests, but it is
 * package-private there; this is the small subset the conformance backends need.
 */
final class RelayProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Path binary;
  private final Path dir;
  private final int port;
  private Process process;

  private RelayProcess(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  /** Starts the relay serving {@code flagsYaml}; returns once it answers {@code GET /health}. */
  static RelayProcess start(String flagsYaml) {
    try {
      Path dir = Files.createTempDirectory("flagrelay-conformance-");
      RelayProcess relay = new RelayProcess(binary(), dir, freePort());
      Files.writeString(relay.flagFile(), flagsYaml);
      Files.writeString(dir.resolve("relay-proxy.yaml"), relay.config());
      relay.start();
      return relay;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Replaces the flag file atomically; the relay picks it up within a second. */
  void writeFlags(String flagsYaml) {
    try {
      Path next = Files.createTempFile(dir, "flags-", ".yaml.tmp");
      Files.writeString(next, flagsYaml);
      Files.move(next, flagFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean running() {
    return process != null && process.isAlive();
  }

  void start() {
    if (running()) {
      return;
    }
    try {
      process =
          new ProcessBuilder(binary.toString(), "--config", dir.resolve("relay-proxy.yaml").toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("relay-proxy.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + binary, e);
    }
    await("relay proxy on port " + port + " answering GET /health")
        .atMost(START_TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(this::healthy);
  }

  /** SIGTERM, then SIGKILL after a grace period; the folder stays. Idempotent. */
  void stop() {
    Process running = process;
    if (running == null) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        running.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } finally {
      deleteRecursively(dir);
    }
  }

  private Path flagFile() {
    return dir.resolve("flags.yaml");
  }

  /** HTTP on loopback, the flag file re-read every second, no exporter (events are dropped). */
  private String config() {
    return "server:\n  mode: http\n  host: 127.0.0.1\n  port: " + port + "\n"
        + "pollingInterval: 1000\n"
        + "startWithRetrieverError: false\n"
        + "retriever:\n  kind: file\n  path: '" + flagFile().toString().replace("'", "''") + "'\n";
  }

  private boolean healthy() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "relay proxy exited with status " + process.exitValue() + "; see " + dir.resolve("relay-proxy.log"));
    }
    try {
      HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(500);
      try {
        return connection.getResponseCode() == 200;
      } finally {
        connection.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  /** The binary failsafe names in {@code relay.binary}, else the one scripts/install-relay.sh caches. */
  private static Path binary() {
    String configured = System.getProperty("relay.binary");
    Path binary =
        configured != null && !configured.isBlank()
            ? Paths.get(configured)
            : Paths.get(System.getProperty("user.home"), ".cache/flagrelay/relayproxy-v1.55.2/relayproxy");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("relay proxy binary not found (or not executable) at " + binary);
    }
    return binary;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }
}
