package dev.flagrelay.stress;

import static dev.flagrelay.stress.RaceAssertions.assertCaught;
import static dev.flagrelay.stress.RaceAssertions.assertClean;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.evaluation.EventRecorder;
import dev.flagrelay.internal.evaluation.FlagType;
import dev.flagrelay.internal.evaluation.RemoteEvaluator;
import dev.flagrelay.internal.http.OkHttpRelayClient;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.openfeature.sdk.ImmutableContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 7, the cross-talk detector: 16 threads with distinct targeting keys evaluate through
 * the real HTTP client against a stand-in that echoes each caller's key; every answer must be the
 * caller's own ("one user got another user's response").
 */
@Tag("stress")
@Timeout(90)
class CrossTalkTest {
  private static final int THREADS = 16;

  private EchoRelay echo;
  private OkHttpRelayClient client;

  @BeforeEach
  void start() throws Exception {
    echo = new EchoRelay(user -> (user.hashCode() & 3));
    client =
        new OkHttpRelayClient(
            echo.endpoint(), echo.endpoint(), null, Map.of(), Duration.ofSeconds(5), new JsonCodec(Map.of()));
  }

  @AfterEach
  void stop() {
    client.close();
    echo.close();
  }

  @Test
  void realClient_everyAnswerBelongsToItsOwnCaller() throws Exception {
    assertClean(race(client), 5);
  }

  @Test
  void responseHeldInASharedField_isCaught_asCrossTalk() throws Exception {
    assertCaught(Race.hunt(() -> race(new SharedResponseField(client))), Symptom.CROSS_TALK);
  }

  private static Race.Outcome race(RelayClient relay) throws InterruptedException {
    RemoteEvaluator evaluator = new RemoteEvaluator(relay, null, null, EventRecorder.NONE, Clock.systemUTC());
    return Race.run(
        THREADS,
        (thread, round, out) -> {
          for (int i = 0; i < 5; i++) {
            String user = "user-" + thread + "-" + round + "-" + i;
            String answer = evaluator.evaluate("echo", FlagType.STRING, "default", new ImmutableContext(user)).getValue();
            if (!user.equals(answer)) {
              out.report(Symptom.CROSS_TALK, user + " received " + answer);
              return;
            }
          }
        });
  }

  /** Racy twin: keeps the last answer in one field shared by all callers before returning it. */
  private static final class SharedResponseField extends StubRelay {
    private final RelayClient real;
    private RelayAnswer last;

    SharedResponseField(RelayClient real) {
      this.real = real;
    }

    @Override
    public RelayAnswer evaluate(String flagKey, ContextSnapshot context) throws RelayException {
      last = real.evaluate(flagKey, context);
      for (int spin = 0; spin < 1_000; spin++) {
        Thread.onSpinWait(); // Decoding, logging, metrics: anything between the write and the read.
      }
      return last;
    }
  }
}
