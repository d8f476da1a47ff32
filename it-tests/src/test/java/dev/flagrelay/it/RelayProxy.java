package dev.flagrelay.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagrelay.engine.EngineVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real GO Feature Flag relay proxy, run as a child process on a free loopback port and serving
 * a copy of a flag file from a temporary folder it owns.
 *
 * <p>The relay re-reads the flag file every second ({@link #rewriteFlags}) and writes every event
 * it receives or produces as JSON lines into {@link #eventsDir()} (tracking events into files
 * named {@code tracking-*}). {@link #close()} stops the process and deletes the folder.
 */
public final class RelayProxy implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long the relay may take to answer {@code GET /health} after it was started. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final int START_ATTEMPTS = 3;

  private final Path binary;
  private final Path dir;
  private final Path flagFile;
  private final Path eventsDir;
  private final Path configFile;
  private final Path logFile;
  private final int port;
  private Process process;

  private RelayProxy(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.flagFile = dir.resolve("flags.yaml");
    this.eventsDir = dir.resolve("events");
    this.configFile = dir.resolve("relay-proxy.yaml");
    this.logFile = dir.resolve("relay-proxy.log");
  }

  /** A relay serving a copy of {@code flagSource}; the source itself is never written. */
  public static Builder serving(Path flagSource) {
    return new Builder(flagSource);
  }

  /**
   * The flag file GO Feature Flag uses for its own provider integration tests, as copied into
   * this module's test resources ({@code conformance/goff-provider-tests/flags.yaml}).
   */
  static Path conformanceFlags() {
    return testResource("conformance/goff-provider-tests/flags.yaml");
  }

  /** A file of this module's test resources, as a path the relay can be pointed at. */
  static Path testResource(String name) {
    URL resource = RelayProxy.class.getClassLoader().getResource(name);
    if (resource == null) {
      throw new IllegalStateException("test resource " + name + " is not on the classpath");
    }
    try {
      return Paths.get(resource.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("test resource " + name + " has no file path: " + resource, e);
    }
  }

  /** The relay's base URL, such as {@code http://127.0.0.1:40123}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** The flag file the relay serves; rewrite it to change flags. */
  Path flagFile() {
    return flagFile;
  }

  /** Where the relay's file exporters write the events they export. */
  Path eventsDir() {
    return eventsDir;
  }

  /** Replaces the served flag file with {@code content}, atomically. */
  public void writeFlags(String content) {
    rewriteFlags(before -> content);
  }

  /** Replaces the served flag file atomically, so the relay never reads half a file. */
  public void rewriteFlags(UnaryOperator<String> edit) {
    try {
      String before = Files.readString(flagFile);
      String after = edit.apply(before);
      if (after.equals(before)) {
        throw new IllegalArgumentException("the edit left " + flagFile + " unchanged");
      }
      Path next = Files.createTempFile(dir, "flags-", ".yaml.tmp");
      Files.writeString(next, after);
      Files.move(next, flagFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every exported event line so far, from every file in {@link #eventsDir()}. */
  List<String> exportedEvents() {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(eventsDir)) {
      for (Path file : files.sorted().toList()) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  /** The relay's console output so far, for failure messages. */
  String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** Whether the process is running. */
  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts the process again on the same port, after {@link #stop()}. */
  public void start() {
    if (running()) {
      throw new IllegalStateException("relay proxy is already running on port " + port);
    }
    try {
      process =
          new ProcessBuilder(binary.toString(), "--config", configFile.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + binary, e);
    }
    awaitHealthy();
  }

  private void awaitHealthy() {
    await("relay proxy on port " + port + " answering GET /health")
        .atMost(START_TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .until(this::healthy);
  }

  private boolean healthy() {
    if (!process.isAlive()) {
      throw new RelayExitedException(
          "relay proxy exited with status " + process.exitValue() + " before it answered; its output:\n" + log());
    }
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
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

  /** Stops the process (SIGTERM, then SIGKILL after 5 s) but keeps its folder. Idempotent. */
  public void stop() {
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

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }

  @Override
  public String toString() {
    return "RelayProxy{" + endpoint() + ", dir=" + dir + '}';
  }

  /** The relay process died while it was being started. */
  static final class RelayExitedException extends IllegalStateException {
    RelayExitedException(String message) {
      super(message);
    }
  }

  /** What the relay is configured with; {@link #start()} writes the config and starts it. */
  public static final class Builder {
    private final Path flagSource;
    private final List<String> authorizedKeys = new ArrayList<>();
    private final Map<String, Object> enrichment = new LinkedHashMap<>();
    private int port;

    private Builder(Path flagSource) {
      this.flagSource = flagSource;
    }

    /** Turns authentication on: only these keys are accepted. */
    Builder authorizedKeys(String... keys) {
      authorizedKeys.addAll(List.of(keys));
      return this;
    }

    /** A field the relay adds to every evaluation context ({@code evaluationContextEnrichment}). */
    Builder enrichment(String key, String value) {
      enrichment.put(key, value);
      return this;
    }

    /**
     * Fields the relay adds to every evaluation context, of any JSON type (written as YAML flow,
     * which is JSON).
     */
    Builder enrichment(Map<String, ?> fields) {
      enrichment.putAll(fields);
      return this;
    }

    /** Listens on this port instead of a free one. */
    Builder port(int port) {
      this.port = port;
      return this;
    }

    public RelayProxy start() throws IOException {
      Path binary = binary();
      for (int attempt = 1; ; attempt++) {
        RelayProxy relay = prepare(binary, port != 0 ? port : freePort());
        try {
          relay.start();
          return relay;
        } catch (RelayExitedException e) {
          relay.close();
          boolean portRace = port == 0 && e.getMessage().contains("address already in use");
          if (!portRace || attempt == START_ATTEMPTS) {
            throw e;
          }
        } catch (RuntimeException | Error e) {
          relay.close();
          throw e;
        }
      }
    }

    private RelayProxy prepare(Path binary, int listenPort) throws IOException {
      Path dir = Files.createTempDirectory("flagrelay-relay-");
      RelayProxy relay = new RelayProxy(binary, dir, listenPort);
      Files.copy(flagSource, relay.flagFile);
      Files.createDirectories(relay.eventsDir);
      Files.writeString(relay.configFile, config(relay));
      return relay;
    }

    private String config(RelayProxy relay) {
      StringBuilder yaml = new StringBuilder();
      yaml.append("server:\n  mode: http\n  host: 127.0.0.1\n  port: ").append(relay.port).append('\n');
      yaml.append("pollingInterval: 1000\n");
      yaml.append("startWithRetrieverError: false\n");
      yaml.append("retriever:\n  kind: file\n  path: ").append(quoted(relay.flagFile)).append('\n');
      yaml.append("exporters:\n");
      yaml.append("  - kind: file\n    outputDir: ").append(quoted(relay.eventsDir)).append('\n');
      yaml.append("    format: json\n    flushInterval: 1000\n");
      yaml.append("  - kind: file\n    eventType: tracking\n    outputDir: ").append(quoted(relay.eventsDir)).append('\n');
      yaml.append("    filename: 'tracking-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}'\n");
      yaml.append("    format: json\n    flushInterval: 1000\n");
      if (!authorizedKeys.isEmpty()) {
        yaml.append("authorizedKeys:\n  evaluation:\n");
        authorizedKeys.forEach(key -> yaml.append("    - ").append(quoted(key)).append('\n'));
      }
      if (!enrichment.isEmpty()) {
        yaml.append("evaluationContextEnrichment:\n");
        enrichment.forEach((k, v) -> yaml.append("  ").append(quoted(k)).append(": ").append(yamlValue(v)).append('\n'));
      }
      return yaml.toString();
    }

    private static String yamlValue(Object value) {
      if (value instanceof String) {
        return quoted(value);
      }
      try {
        return JSON.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("enrichment value not writable as JSON: " + value, e);
      }
    }

    private static String quoted(Object value) {
      return "'" + value.toString().replace("'", "''") + "'";
    }
  }

  /** The relay binary failsafe was given ({@code relay.binary}); fails clearly when it is missing. */
  static Path binary() {
    String configured = System.getProperty("relay.binary");
    Path binary =
        configured != null && !configured.isBlank()
            ? Paths.get(configured)
            : Paths.get(
                System.getProperty("user.home"),
                ".cache/flagrelay/relayproxy-" + EngineVersion.current().relayBaseline() + "/relayproxy");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "relay proxy binary not found (or not executable) at "
              + binary
              + ": build it with scripts/install-relay.sh (mvn verify runs it before the integration tests)");
    }
    return binary;
  }

  /** A loopback port nobody listens on right now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
