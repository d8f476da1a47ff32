package dev.flagrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Measures, against the real relay on loopback, how long a flag change takes to become the
 * provider's PROVIDER_CONFIGURATION_CHANGED: from the moment the relay's event bytes arrive (a
 * TCP pass-through in front of the relay timestamps every relay-to-provider chunk holding {@code
 * data:}), and end to end from the flag-file edit (the relay re-reads its file every 1000 ms).
 * Reports figures, asserts none about time: for BENCHMARKS.md. Opt-in, it takes about a minute:
 * {@code mvn -B -pl it-tests -am verify -Dit.test=StreamLatencyMeasurementIT -Dflagrelay.measure=true
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "flagrelay.measure", matches = "true")
@ExtendWith(LeakCheck.class)
class StreamLatencyMeasurementIT {
  private static final int CHANGES = 50;

  @Test
  void fiftyChanges_eventToConfigurationChanged_andFileEditToConfigurationChanged() throws Exception {
    try (RelayProxy relay = RelayProxy.serving(RelayProxy.conformanceFlags()).start();
        TimingProxy proxy = new TimingProxy(relay.port())) {
      OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
      BlockingQueue<Long> changedAt = new LinkedBlockingQueue<>();
      api.onProviderConfigurationChanged(details -> changedAt.add(System.nanoTime()));
      api.setProviderAndWait(
          new GoFeatureFlagProvider(
              GoFeatureFlagProviderOptions.builder()
                  .endpoint("http://127.0.0.1:" + proxy.port())
                  .flagChangePollingInterval(Duration.ofMinutes(10))
                  .build()));
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.connections() >= 2); // The stream is up.
        List<Long> fromEvent = new ArrayList<>();
        List<Long> fromEdit = new ArrayList<>();
        String current = "CC0000";
        for (int i = 1; i <= CHANGES; i++) {
          String next = String.format("CC%04d", i);
          String from = "\"True\": " + current;
          relay.rewriteFlags(yaml -> yaml.replace(from, "\"True\": " + next));
          long edited = System.nanoTime();
          Long changed = changedAt.poll(15, TimeUnit.SECONDS);
          assertThat(changed).as("change %d announced", i).isNotNull();
          Long emitted = proxy.lastDataAt();
          assertThat(emitted).as("the relay's event for change %d", i).isNotNull();
          fromEvent.add(changed - emitted);
          fromEdit.add(changed - edited);
          current = next;
        }
        String report =
            "flag-change stream, real relay v1.55.2 on loopback, " + CHANGES + " changes\n"
                + "relay event bytes -> PROVIDER_CONFIGURATION_CHANGED handler: " + summary(fromEvent) + "\n"
                + "flag-file edit -> PROVIDER_CONFIGURATION_CHANGED handler (relay file polling 1000 ms): "
                + summary(fromEdit) + "\n";
        System.out.println(report);
        Files.writeString(Path.of("target", "stream-latency.txt"), report);
      } finally {
        api.shutdown();
      }
    }
  }

  private static String summary(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    double median = (sorted.get((sorted.size() - 1) / 2) + sorted.get(sorted.size() / 2)) / 2e6;
    return String.format("median %.2f ms, p90 %.2f ms, worst %.2f ms, best %.2f ms",
        median, sorted.get((int) (sorted.size() * 0.9)) / 1e6, sorted.get(sorted.size() - 1) / 1e6, sorted.get(0) / 1e6);
  }

  /** A TCP pass-through that notes when relay-to-client bytes holding {@code data:} arrive. */
  private static final class TimingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Long> dataAt = new CopyOnWriteArrayList<>();

    TimingProxy(int target) throws IOException {
      this.target = target;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      daemon(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    int connections() {
      return sockets.size() / 2;
    }

    Long lastDataAt() {
      return dataAt.isEmpty() ? null : dataAt.get(dataAt.size() - 1);
    }

    private static void daemon(Runnable task) {
      Thread thread = new Thread(task, "timing-proxy");
      thread.setDaemon(true);
      thread.start();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          client.setTcpNoDelay(true);
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
          upstream.setTcpNoDelay(true);
          sockets.add(client);
          sockets.add(upstream);
          daemon(() -> pump(client, upstream, false));
          daemon(() -> pump(upstream, client, true));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to, boolean timed) {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) != -1) {
          long now = System.nanoTime();
          if (timed && new String(buffer, 0, read, StandardCharsets.ISO_8859_1).contains("data:")) {
            dataAt.add(now);
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // One side closed.
      } finally {
        close(from);
        close(to);
      }
    }

    private static void close(Socket socket) {
      try {
        socket.close();
      } catch (IOException e) {
        // Closing anyway.
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      sockets.forEach(TimingProxy::close);
    }
  }
}
