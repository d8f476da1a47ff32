package dev.flagrelay.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.RelayException;
import dev.openfeature.sdk.ImmutableContext;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Request building only: no call is executed. */
class OkHttpRelayClientTest {
  private final OkHttpRelayClient client =
      new OkHttpRelayClient(
          URI.create("http://127.0.0.1:9/prefix"),
          URI.create("http://127.0.0.1:9"),
          null,
          Map.of(),
          Duration.ofSeconds(1),
          new JsonCodec(Map.of("provider", "java", "openfeature", true)));
  private final ContextSnapshot context = ContextSnapshot.of(new ImmutableContext("u1"));

  @AfterEach
  void close() {
    client.close();
  }

  private HttpUrl urlOf(String flagKey) throws RelayException {
    return client.newEvaluationCall(flagKey, context).request().url();
  }

  @Test
  void evaluationUrl_keyIsOneEncodedSegment_sameOnEveryCall() throws RelayException {
    HttpUrl first = urlOf("new checkout/v2?x");
    HttpUrl second = urlOf("new checkout/v2?x");

    assertThat(first.encodedPath()).isEqualTo("/prefix/ofrep/v1/evaluate/flags/new%20checkout%2Fv2%3Fx");
    assertThat(second).isEqualTo(first);
    assertThat(urlOf("other").encodedPath()).isEqualTo("/prefix/ofrep/v1/evaluate/flags/other");
  }

  @Test
  void evaluationUrl_beyondTheCachedKeys_stillRightForEveryKey() throws RelayException {
    for (int i = 0; i < 3_000; i++) {
      assertThat(urlOf("flag-" + i).pathSegments()).last().isEqualTo("flag-" + i);
    }
    for (int i = 0; i < 3_000; i += 7) {
      assertThat(urlOf("flag-" + i).pathSegments()).last().isEqualTo("flag-" + i);
    }
  }
}
