package dev.flagrelay.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LastErrorTest {
  @Test
  void keyEncodedKeyKeyParameterAndHeaderValues_allMasked() {
    LastError lastError = new LastError("k3y/with+chars", List.of("gateway-token", "tenant-7"), () -> 42L);

    lastError.record(
        "relay said: Bearer k3y/with+chars, k3y%2Fwith%2Bchars, ?apiKey=anything&x=1, gateway-token, tenant-7");

    assertThat(lastError.last().message())
        .isEqualTo("relay said: Bearer ***, ***, ?apiKey=***&x=1, ***, ***");
    assertThat(lastError.last().epochMillis()).isEqualTo(42L);
  }

  @Test
  void secretHoldingAnother_maskedWhole() {
    LastError lastError = new LastError("abc", List.of("abcdef"), () -> 0L);

    lastError.record("got abcdef");

    assertThat(lastError.last().message()).isEqualTo("got ***");
  }

  @Test
  void nothingRecorded_null() {
    assertThat(new LastError(null, List.of(), () -> 0L).last()).isNull();
  }
}
