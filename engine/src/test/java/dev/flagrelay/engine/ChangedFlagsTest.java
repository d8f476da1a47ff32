package dev.flagrelay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link FlagConfiguration#changedFlags}: which flags' definitions differ between two configurations. */
class ChangedFlagsTest {
  private static final String A = "\"a\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"}}";
  private static final String B = "\"b\":{\"variations\":{\"x\":\"1\"},\"defaultRule\":{\"variation\":\"x\"}}";
  private static final String B2 = "\"b\":{\"variations\":{\"x\":\"2\"},\"defaultRule\":{\"variation\":\"x\"}}";
  private static final String UNSUPPORTED = "\"u\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"},\"newField\":1}";
  private static final String UNSUPPORTED2 = "\"u\":{\"variations\":{\"on\":true},\"defaultRule\":{\"variation\":\"on\"},\"newField\":2}";

  private static FlagConfiguration config(String flags) {
    return FlagConfiguration.parse("{\"flags\":{" + flags + "}}");
  }

  @Test
  void sameDefinitions_nothingChanged() {
    assertThat(config(A + "," + B).changedFlags(config(A + "," + B))).isEmpty();
  }

  @Test
  void sameDefinitionsWithFieldsInAnotherOrder_nothingChanged() {
    String reordered = "\"b\":{\"defaultRule\":{\"variation\":\"x\"},\"variations\":{\"x\":\"1\"}}";
    assertThat(config(A + "," + B).changedFlags(config(reordered + "," + A))).isEmpty();
  }

  @Test
  void addedRemovedAndChangedFlags_listedSorted() {
    FlagConfiguration before = config(A + "," + B);
    FlagConfiguration after = config(B2 + "," + UNSUPPORTED);
    assertThat(after.changedFlags(before)).containsExactly("a", "b", "u");
  }

  @Test
  void changedFlagTheEngineCannotEvaluate_listed() {
    assertThat(config(A + "," + UNSUPPORTED2).changedFlags(config(A + "," + UNSUPPORTED))).containsExactly("u");
  }

  @Test
  void enrichmentChanged_everyFlagOfBothListed() {
    FlagConfiguration before =
        FlagConfiguration.parse("{\"flags\":{" + A + "},\"evaluationContextEnrichment\":{\"env\":\"dev\"}}");
    FlagConfiguration after =
        FlagConfiguration.parse("{\"flags\":{" + A + "," + UNSUPPORTED + "},\"evaluationContextEnrichment\":{\"env\":\"prod\"}}");
    assertThat(after.changedFlags(before)).containsExactly("a", "u");
  }

  @Test
  void fromEmpty_everyFlagAdded() {
    assertThat(config(A + "," + B).changedFlags(FlagConfiguration.empty())).containsExactly("a", "b");
  }
}
