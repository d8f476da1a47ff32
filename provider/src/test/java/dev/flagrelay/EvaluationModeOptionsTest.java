package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code evaluationMode} and {@code evaluationFlagList}, and the options each mode refuses. */
class EvaluationModeOptionsTest {
  private static GoFeatureFlagProviderOptions.Builder builder() {
    return GoFeatureFlagProviderOptions.builder().endpoint("http://localhost:1031");
  }

  private static GoFeatureFlagProviderOptions.Builder inProcess() {
    return builder().evaluationMode(EvaluationMode.IN_PROCESS);
  }

  @Test
  void evaluationMode_defaultRemote() {
    GoFeatureFlagProviderOptions options = builder().build();
    assertThat(options.evaluationMode()).isEqualTo(EvaluationMode.REMOTE);
    assertThat(options.evaluationFlagList()).isEmpty();
  }

  @Test
  void evaluationMode_null_refused() {
    assertThatThrownBy(() -> builder().evaluationMode(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("evaluationMode");
  }

  @Test
  void inProcess_withCacheOption_refusedNamingTheOption() {
    assertThatThrownBy(() -> inProcess().cacheTtl(Duration.ofSeconds(5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cacheTtl applies to evaluationMode REMOTE only: IN_PROCESS evaluates locally and caches nothing");
    assertThatThrownBy(() -> inProcess().cacheEnabled(false).cacheMaximumSize(5).build())
        .hasMessageStartingWith("cacheEnabled, cacheMaximumSize applies");
    assertThatThrownBy(() -> inProcess().cacheStaleGracePeriod(Duration.ZERO).build())
        .hasMessageStartingWith("cacheStaleGracePeriod");
  }

  @Test
  void remote_withEvaluationFlagList_refused() {
    assertThatThrownBy(() -> builder().evaluationFlagList(List.of("a")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("evaluationFlagList applies to evaluationMode IN_PROCESS only");
  }

  @Test
  void inProcess_sharedOptionsAccepted() {
    GoFeatureFlagProviderOptions options =
        inProcess()
            .evaluationFlagList(List.of("a", "b"))
            .flagChangePollingInterval(Duration.ofSeconds(30))
            .timeout(Duration.ofSeconds(2))
            .apiKey("key")
            .exporterMetadata(java.util.Map.of("team", "x"))
            .build();
    assertThat(options.evaluationMode()).isEqualTo(EvaluationMode.IN_PROCESS);
    assertThat(options.evaluationFlagList()).containsExactly("a", "b");
    assertThat(options.toString()).contains("evaluationMode=IN_PROCESS", "evaluationFlagList=[a, b]");
  }

  @Test
  void evaluationFlagList_copiedFrozenAndDeduplicated() {
    List<String> keys = new ArrayList<>(List.of("a", "b", "a"));
    GoFeatureFlagProviderOptions options = inProcess().evaluationFlagList(keys).build();
    keys.add("c");
    assertThat(options.evaluationFlagList()).containsExactly("a", "b");
    assertThatThrownBy(() -> options.evaluationFlagList().add("d")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void evaluationFlagList_nullOrEmptyKey_refused() {
    assertThatThrownBy(() -> inProcess().evaluationFlagList(Arrays.asList("a", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("evaluationFlagList: a flag key is null");
    assertThatThrownBy(() -> inProcess().evaluationFlagList(List.of("")))
        .hasMessage("evaluationFlagList: a flag key is empty");
    assertThatThrownBy(() -> inProcess().evaluationFlagList(null)).isInstanceOf(NullPointerException.class);
  }
}
