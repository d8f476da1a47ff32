package dev.flagrelay.stress;

import static dev.flagrelay.stress.RaceAssertions.assertCaught;
import static dev.flagrelay.stress.RaceAssertions.assertClean;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.http.OkHttpRelayClient;
import dev.flagrelay.internal.json.JsonCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import okhttp3.Call;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 1, the relay's own crash: a second path writes headers while evaluation requests are
 * built. Two forms: requests built while the timeout/cancel path runs on another thread; and the
 * client's three real paths (evaluations, the flag-change poll with its {@code If-None-Match},
 * the collector's posts) running at once against a loopback relay that checks every request's
 * headers for its path. Every request must carry exactly its own headers, its own flag key in its
 * URL, and nothing that belongs to another request.
 */
@Tag("stress")
@Timeout(60)
class HeaderRaceTest {
  private static final int THREADS = 4;
  private static final int BUILDS_PER_ROUND = 50;

  /** The two paths that touch headers: building a request, and timing one out. */
  interface HeaderPaths {
    Headers template();

    /** Builds the request for {@code flagKey}; returns its headers and URL path. */
    Built build(String flagKey) throws Exception;

    /** What happens when the request for {@code flagKey} times out or is cancelled. */
    void timeOut(String flagKey) throws Exception;
  }

  record Built(Headers headers, String encodedPath) {}

  private final OkHttpRelayClient client =
      new OkHttpRelayClient(
          URI.create("http://127.0.0.1:9"),
          URI.create("http://127.0.0.1:9"),
          "secret-key",
          Map.of("X-Team", "payments"),
          Duration.ofSeconds(1),
          new JsonCodec(Map.of("provider", "java")));

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void realClient_everyRequestCarriesExactlyItsOwnHeaders() throws Exception {
    assertClean(race(new RealPaths(client)), 20);
  }

  @Test
  void sharedHeaderMapMutatedOnTimeoutPath_isCaught_asForeignHeader() throws Exception {
    assertCaught(Race.hunt(() -> race(new SharedHeaderMap(client.headers()))), Symptom.FOREIGN_HEADER, Symptom.CONCURRENT_MODIFICATION);
  }

  @Test
  void realClient_pollAndCollectorAlongsideEvaluations_everyRequestCarriesOnlyItsPathsHeaders() throws Exception {
    try (HeaderCheckingRelay relay = new HeaderCheckingRelay()) {
      OkHttpRelayClient paths =
          new OkHttpRelayClient(
              relay.endpoint(), relay.endpoint(), "secret-key", Map.of("X-Team", "payments"), Duration.ofSeconds(5),
              new JsonCodec(Map.of("provider", "java")));
      relay.expect(paths.headers()); // Taken before any request: what every request must start from.
      try {
        assertClean(racePaths(paths, relay), 2); // Not vacuous: the request counts below.
      } finally {
        paths.close();
      }
      assertThat(relay.polls).as("polls that ran alongside evaluations").hasValueGreaterThan(20);
      assertThat(relay.posts).as("collector posts that ran alongside evaluations").hasValueGreaterThan(20);
      assertThat(relay.evaluations).as("evaluations").hasValueGreaterThan(100);
    }
  }

  /** Thread 0 polls, thread 1 posts collector batches, the others evaluate; all on one client. */
  private static Race.Outcome racePaths(OkHttpRelayClient client, HeaderCheckingRelay relay) throws InterruptedException {
    byte[] batch = "{\"meta\":{},\"events\":[]}".getBytes(StandardCharsets.UTF_8);
    Race.Outcome outcome = Race.run(
        4,
        (thread, round, out) -> {
          for (int i = 0; i < 10 && !relay.drainInto(out); i++) {
            String own = thread + "-" + round + "-" + i;
            if (thread == 0) {
              String etag = "\"poll-" + own + "\"";
              String echoed = client.flagChanges(etag).etag();
              if (!etag.equals(echoed)) {
                out.report(Symptom.FOREIGN_HEADER, "poll sent If-None-Match " + etag + ", the relay saw " + echoed);
              }
            } else if (thread == 1) {
              client.sendEvents(batch, Duration.ofSeconds(5));
            } else {
              String flag = "flag-" + own;
              Object value = client.evaluate(flag, ContextSnapshot.EMPTY).value();
              if (!flag.equals(value)) {
                out.report(Symptom.FOREIGN_HEADER, flag + " was sent as " + value);
              }
            }
          }
        });
    Race.Violations late = new Race.Violations(); // Seen by the relay after the last round's check.
    relay.drainInto(late);
    return outcome.plus(late);
  }

  private static Race.Outcome race(HeaderPaths paths) throws InterruptedException {
    Headers template = paths.template();
    return Race.run(
        THREADS,
        (thread, round, out) -> {
          for (int i = 0; i < BUILDS_PER_ROUND; i++) {
            String own = "flag-" + thread + "-" + round + "-" + i;
            if (thread == 0) {
              paths.timeOut(own); // The second path.
              continue;
            }
            Built built = paths.build(own);
            if (!built.headers().equals(template)) {
              out.report(Symptom.FOREIGN_HEADER, own + " carried " + built.headers().toMultimap());
              return;
            }
            if (!built.encodedPath().endsWith("/" + own)) {
              out.report(Symptom.FOREIGN_HEADER, own + " was sent to " + built.encodedPath());
              return;
            }
          }
        });
  }

  /** The provider's real client: immutable template, cancellation through OkHttp. */
  private static final class RealPaths implements HeaderPaths {
    private final OkHttpRelayClient client;

    RealPaths(OkHttpRelayClient client) {
      this.client = client;
    }

    @Override
    public Headers template() {
      return client.headers();
    }

    @Override
    public Built build(String flagKey) throws Exception {
      Call call = client.newEvaluationCall(flagKey, ContextSnapshot.EMPTY);
      return new Built(call.request().headers(), call.request().url().encodedPath());
    }

    @Override
    public void timeOut(String flagKey) throws Exception {
      client.newEvaluationCall(flagKey, ContextSnapshot.EMPTY).cancel();
    }
  }

  /**
   * Racy twin: one plain {@code HashMap} of headers shared by every request, which the timeout
   * path writes to while it handles a timeout (the relay proxy's crash, in Java).
   */
  private static final class SharedHeaderMap implements HeaderPaths {
    private final Headers template;
    private final Map<String, String> shared = new HashMap<>();

    SharedHeaderMap(Headers template) {
      this.template = template;
      template.forEach(header -> shared.put(header.getFirst(), header.getSecond()));
    }

    @Override
    public Headers template() {
      return template;
    }

    @Override
    public Built build(String flagKey) {
      return new Built(Headers.of(new HashMap<>(shared)), "/ofrep/v1/evaluate/flags/" + flagKey);
    }

    @Override
    public void timeOut(String flagKey) {
      shared.put("X-Timed-Out", flagKey);
      for (int spin = 0; spin < 200; spin++) {
        Thread.onSpinWait(); // The timeout handler does some work before it cleans up.
      }
      shared.remove("X-Timed-Out");
    }
  }
}
