package dev.flagrelay.engine.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The copy-free view the evaluator gives queries answers as the copy {@link QueryContext#of(Map)} makes. */
class QueryContextViewTest {
  private static final Map<String, Object> ATTRIBUTES = new HashMap<>(Map.of(
      "age", 42, "rate", 3.0, "plan", "pro", "key", "not-the-key", "anonymous", "yes",
      "team", Map.of("id", "t-1", "size", 7), "labels", List.of("a", 1), "env", "dev"));
  private static final Map<String, Object> ENRICHMENT = Map.of("env", "production", "tier", 3, "anonymous", true);

  static {
    ATTRIBUTES.put("nothing", null);
  }

  private static Map<String, Object> copy(String targetingKey) {
    Map<String, Object> merged = new HashMap<>(ATTRIBUTES);
    merged.putAll(ENRICHMENT);
    merged.put("targetingKey", targetingKey == null ? "" : targetingKey);
    return QueryContext.of(merged);
  }

  @Test
  void viewGivesWhatTheCopyGivesForEveryName() {
    for (String targetingKey : new String[] {"user-1", "", null}) {
      Map<String, Object> view = QueryContext.of(targetingKey, ATTRIBUTES, ENRICHMENT);
      Map<String, Object> copy = copy(targetingKey);
      for (String name : List.of("age", "rate", "plan", "key", "targetingKey", "anonymous", "team", "labels", "env", "tier", "nothing", "absent")) {
        assertThat(view.get(name)).as(name).isEqualTo(copy.get(name));
        assertThat(view.containsKey(name)).as(name).isEqualTo(copy.containsKey(name));
      }
      assertThat(view).isEqualTo(copy);
    }
  }

  @Test
  void anonymousIsFalseUnlessABoolean() {
    assertThat(QueryContext.of("u", Map.of("anonymous", "yes"), Map.of()).get("anonymous")).isEqualTo(false);
    assertThat(QueryContext.of("u", Map.of(), Map.of()).get("anonymous")).isEqualTo(false);
    assertThat(QueryContext.of("u", Map.of("anonymous", true), Map.of()).get("anonymous")).isEqualTo(true);
  }
}
