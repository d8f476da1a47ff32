package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@code flagChangeDetection(...)} and its deprecated alias {@code flagChangePollingEnabled(...)}:
 * what each combination means, and that a contradictory one fails at {@code build()}.
 */
@SuppressWarnings({"deprecation", "removal"}) // The alias is what several of these tests are about.
class FlagChangeDetectionOptionsTest {
  private static GoFeatureFlagProviderOptions.Builder builder() {
    return GoFeatureFlagProviderOptions.builder().endpoint("http://localhost:1031");
  }

  @Test
  void default_isStreamWithPollingAsTheSafetyNet() {
    GoFeatureFlagProviderOptions options = builder().build();

    assertThat(options.flagChangeDetection()).isEqualTo(FlagChangeDetection.STREAM);
    assertThat(options.flagChangePollingEnabled()).as("the safety-net poll runs").isTrue();
  }

  @Test
  void polling_isPollingOnly() {
    GoFeatureFlagProviderOptions options = builder().flagChangeDetection(FlagChangeDetection.POLLING).build();

    assertThat(options.flagChangeDetection()).isEqualTo(FlagChangeDetection.POLLING);
    assertThat(options.flagChangePollingEnabled()).isTrue();
  }

  @Test
  void none_turnsChangeDetectionOff() {
    GoFeatureFlagProviderOptions options = builder().flagChangeDetection(FlagChangeDetection.NONE).build();

    assertThat(options.flagChangeDetection()).isEqualTo(FlagChangeDetection.NONE);
    assertThat(options.flagChangePollingEnabled()).isFalse();
  }

  @Test
  void aliasFalse_meansNone() {
    assertThat(builder().flagChangePollingEnabled(false).build().flagChangeDetection())
        .isEqualTo(FlagChangeDetection.NONE);
  }

  @Test
  void aliasTrue_keepsTheDefaultStream() {
    assertThat(builder().flagChangePollingEnabled(true).build().flagChangeDetection())
        .isEqualTo(FlagChangeDetection.STREAM);
  }

  @Test
  void aliasTrue_withPollingOrStream_agrees() {
    assertThat(builder().flagChangePollingEnabled(true).flagChangeDetection(FlagChangeDetection.POLLING).build()
            .flagChangeDetection())
        .isEqualTo(FlagChangeDetection.POLLING);
    assertThat(builder().flagChangeDetection(FlagChangeDetection.STREAM).flagChangePollingEnabled(true).build()
            .flagChangeDetection())
        .isEqualTo(FlagChangeDetection.STREAM);
  }

  @Test
  void aliasFalse_withNone_agrees() {
    assertThat(builder().flagChangePollingEnabled(false).flagChangeDetection(FlagChangeDetection.NONE).build()
            .flagChangeDetection())
        .isEqualTo(FlagChangeDetection.NONE);
  }

  @Test
  void aliasCalledTwice_lastCallWins() {
    assertThat(builder().flagChangePollingEnabled(false).flagChangePollingEnabled(true).build().flagChangeDetection())
        .isEqualTo(FlagChangeDetection.STREAM);
  }

  @Test
  void detectionSetTwice_lastCallWins() {
    assertThat(builder()
            .flagChangeDetection(FlagChangeDetection.NONE)
            .flagChangeDetection(FlagChangeDetection.POLLING)
            .build()
            .flagChangeDetection())
        .isEqualTo(FlagChangeDetection.POLLING);
  }

  @Test
  void aliasFalse_withStream_contradictionFailsAtBuildNamingBothOptions() {
    GoFeatureFlagProviderOptions.Builder builder =
        builder().flagChangePollingEnabled(false).flagChangeDetection(FlagChangeDetection.STREAM);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flagChangePollingEnabled(false)")
        .hasMessageContaining("flagChangeDetection(STREAM)");
  }

  @Test
  void aliasFalse_withPolling_contradictionFailsAtBuild() {
    GoFeatureFlagProviderOptions.Builder builder =
        builder().flagChangeDetection(FlagChangeDetection.POLLING).flagChangePollingEnabled(false);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flagChangePollingEnabled(false)")
        .hasMessageContaining("flagChangeDetection(POLLING)");
  }

  @Test
  void aliasTrue_withNone_contradictionFailsAtBuild() {
    GoFeatureFlagProviderOptions.Builder builder =
        builder().flagChangeDetection(FlagChangeDetection.NONE).flagChangePollingEnabled(true);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flagChangePollingEnabled(true)")
        .hasMessageContaining("flagChangeDetection(NONE)");
  }

  @Test
  void detection_null_failsNamingTheOption() {
    assertThatThrownBy(() -> builder().flagChangeDetection(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("flagChangeDetection");
  }

  @Test
  void toString_namesTheDetection() {
    assertThat(builder().flagChangeDetection(FlagChangeDetection.POLLING).build().toString())
        .contains("flagChangeDetection=POLLING");
  }
}
