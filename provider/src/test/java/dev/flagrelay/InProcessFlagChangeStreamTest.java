package dev.flagrelay;

import static dev.flagrelay.InProcessProviderTest.BOOL_FLAG;
import static dev.flagrelay.InProcessProviderTest.STRING_FLAG;
import static dev.flagrelay.InProcessProviderTest.config;
import static dev.flagrelay.InProcessProviderTest.fetched;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flagrelay.InProcessProviderTest.RecordingProvider;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.testing.FastPolling;
import dev.flagrelay.testing.GoffThreads;
import dev.flagrelay.testing.PushStream;
import dev.flagrelay.testing.RecordingRelayClient;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The flag-change stream in {@link EvaluationMode#IN_PROCESS}: an event, or a (re)connect,
 * triggers an immediate configuration refresh; bursts coalesce and refreshes never overlap. The
 * safety-net refresh is set to 10 minutes, so only the stream can have caused one.
 */
@ExtendWith(FastPolling.class)
class InProcessFlagChangeStreamTest {
  private static final EvaluationContext USER = new ImmutableContext("u1");
  private static final String STRING_FLAG_BLUE =
      "\"string-flag\":{\"variations\":{\"red\":\"RED\",\"blue\":\"BLUE\"},\"defaultRule\":{\"variation\":\"blue\"}}";

  private final RecordingRelayClient relay = new RecordingRelayClient();
  private final PushStream stream = new PushStream();
  private final AtomicReference<String> served = new AtomicReference<>(config(BOOL_FLAG, STRING_FLAG));
  private final List<GoFeatureFlagProvider> providers = new ArrayList<>();

  InProcessFlagChangeStreamTest() {
    relay.onFlagChangeStream(stream);
    relay.onFlagConfiguration((etag, flags) -> answer(etag));
  }

  private ConfigurationAnswer answer(String etag) {
    String body = served.get();
    String current = "\"" + body.length() + "-" + Integer.toHexString(body.hashCode()) + "\"";
    return current.equals(etag) ? ConfigurationAnswer.NOT_MODIFIED : fetched(body, current);
  }

  @AfterEach
  void shutdownAndCheckForLeaks() {
    providers.forEach(GoFeatureFlagProvider::shutdown);
    GoffThreads.awaitNone("goff-");
  }

  private RecordingProvider ready() throws Exception {
    RecordingProvider provider =
        new RecordingProvider(
            GoFeatureFlagProviderOptions.builder()
                .endpoint("http://relay.test:1031")
                .evaluationMode(EvaluationMode.IN_PROCESS)
                .timeout(Duration.ofSeconds(1))
                .flagChangePollingInterval(Duration.ofMinutes(10))
                .disableDataCollection(true)
                .build(),
            relay);
    providers.add(provider);
    provider.initialize(USER);
    assertThat(stream.awaitConnected(5)).isTrue();
    await("the refresh after connecting").until(() -> relay.configurationEtags().size() >= 2);
    return provider;
  }

  @Test
  void event_refreshesAtOnce_oneConfigurationChangedNamingTheChangedFlag() throws Exception {
    RecordingProvider provider = ready();
    assertThat(provider.getStringEvaluation("string-flag", "x", USER).getValue()).isEqualTo("RED");

    served.set(config(BOOL_FLAG, STRING_FLAG_BLUE));
    stream.push("string-flag");

    await().until(() -> !provider.flagsChanged().isEmpty());
    assertThat(provider.flagsChanged()).containsExactly(List.of("string-flag"));
    assertThat(provider.getStringEvaluation("string-flag", "x", USER).getValue()).isEqualTo("BLUE");
  }

  @Test
  void burstOfEvents_coalesced_refreshesNeverOverlap() throws Exception {
    RecordingProvider provider = ready();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstStarted = new CountDownLatch(1);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    AtomicInteger fetches = new AtomicInteger();
    relay.onFlagConfiguration(
        (etag, flags) -> {
          mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          fetches.incrementAndGet();
          firstStarted.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          inFlight.decrementAndGet();
          return answer(etag);
        });
    served.set(config(BOOL_FLAG, STRING_FLAG_BLUE));

    stream.push("string-flag");
    assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 20; i++) {
      stream.push("string-flag");
    }
    await("the burst delivered").until(() -> stream.pending() == 0);
    release.countDown();

    await().until(() -> !provider.flagsChanged().isEmpty());
    await().during(Duration.ofMillis(200)).until(() -> inFlight.get() == 0 && fetches.get() <= 2);
    assertThat(mostInFlight.get()).as("refreshes running at once").isEqualTo(1);
    assertThat(fetches.get()).as("one running, one waiting for the rest of the burst").isEqualTo(2);
    assertThat(provider.flagsChanged()).containsExactly(List.of("string-flag"));
  }

  @Test
  void reconnect_refreshesAtOnce_changeMadeWhileDisconnectedIsPickedUp() throws Exception {
    RecordingProvider provider = ready();

    stream.endConnection();
    served.set(config(BOOL_FLAG, STRING_FLAG_BLUE)); // No event will come for this change.

    await("reconnect (back-off about 1 s) and its refresh").atMost(Duration.ofSeconds(10))
        .until(() -> !provider.flagsChanged().isEmpty());
    assertThat(stream.connections()).isEqualTo(2);
    assertThat(provider.getStringEvaluation("string-flag", "x", USER).getValue()).isEqualTo("BLUE");
  }
}
