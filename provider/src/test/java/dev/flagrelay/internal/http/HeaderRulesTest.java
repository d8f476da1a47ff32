package dev.flagrelay.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.internal.options.HeaderRules;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/** The options' header rules against OkHttp's own, character by character (issue 11). */
class HeaderRulesTest {
  private static boolean okHttpAcceptsValue(String value) {
    try {
      new Headers.Builder().add("X-Test", value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean okHttpAcceptsName(String name) {
    try {
      new Headers.Builder().add(name, "v");
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Test
  void value_everyCharacter_acceptedExactlyWhenOkHttpAcceptsIt() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String value = "a" + (char) c + "b";
      assertThat(HeaderRules.invalidValueIndex(value) < 0)
          .as("char 0x%04x in a value", c)
          .isEqualTo(okHttpAcceptsValue(value));
    }
  }

  @Test
  void name_everyCharacterWeAccept_okHttpAcceptsToo() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String name = "X" + (char) c;
      if (HeaderRules.invalidNameIndex(name) < 0) {
        assertThat(okHttpAcceptsName(name)).as("char 0x%04x in a name", c).isTrue();
      }
    }
    assertThat(HeaderRules.invalidNameIndex("")).isZero();
  }

  @Test
  void apiKey_everyCharacterWeAccept_sentUnchangedAsABearerToken() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String key = String.valueOf((char) c);
      if (HeaderRules.invalidTokenIndex(key) < 0) {
        Headers headers = new Headers.Builder().add("Authorization", "Bearer " + key).build();
        assertThat(headers.get("Authorization")).as("char 0x%04x in a key", c).isEqualTo("Bearer " + key);
      }
    }
  }
}
