package dev.flagrelay.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static final String KEY = "k+y/=&%x#?";

  @Test
  void key_plain_replaced() {
    assertThat(new Secrets(KEY).redact("a " + KEY + " b")).isEqualTo("a *** b");
  }

  @Test
  void key_asOkHttpEncodesItIntoTheQuery_replacedWhateverTheParameterName() {
    HttpUrl url = HttpUrl.get("http://relay:1031/").newBuilder().addQueryParameter("token", KEY).build();

    String redacted = new Secrets(KEY).redact("failed: " + url);

    assertThat(url.toString()).doesNotContain(KEY);
    assertThat(redacted).isEqualTo("failed: http://relay:1031/?token=***");
  }

  @Test
  void apiKeyQueryParameter_replacedEvenWithoutAKnownKey() {
    assertThat(new Secrets(null).redact("failed: http://h/stream/v1/sse/flag/change?apiKey=s3cret&x=1 closed"))
        .isEqualTo("failed: http://h/stream/v1/sse/flag/change?apiKey=***&x=1 closed");
  }

  @Test
  void nullText_staysNull() {
    assertThat(new Secrets("k").redact(null)).isNull();
  }
}
