package dev.flagrelay.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Fnv1aTest {

  @Test
  void knownValueFromTheReference() {
    assertThat(Integer.toUnsignedLong(Fnv1a.hash("flagNameUserKey"))).isEqualTo(3946001934L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "user-1", "café", "日本語", "emoji 😀 key", "\u07ff\u0800\uffff"})
  void hashesTheUtf8BytesWithoutEncoding(String s) {
    assertThat(Fnv1a.hash(s)).isEqualTo(reference(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void continuingTheFlagKeyStateEqualsHashingTheConcatenation() {
    assertThat(Fnv1a.update(Fnv1a.hash("flagName"), "UserKey")).isEqualTo(Fnv1a.hash("flagNameUserKey"));
  }

  @Test
  void loneSurrogateCountsAsTheReplacementCharacter() {
    assertThat(Fnv1a.hash("a\ud800b")).isEqualTo(Fnv1a.hash("a\ufffdb"));
  }

  private static int reference(byte[] bytes) {
    int h = 0x811c9dc5;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }
}
