package dev.flagrelay.engine.internal.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Queries whose answer the real relay gave (see {@code vectors/README.md}): the quirks the shared
 * README describes loosely (stale operand, greedy {@code not}, tolerated parentheses, JsonLogic
 * coercions) are pinned by these. Flags the relay refused are only evaluated, never asserted.
 */
class RelayObservedQueriesTest {

  @TestFactory
  Stream<DynamicTest> relayAnswers() throws IOException {
    JsonNode observed = QueryVectorsTest.read("relay_observed_queries.json");
    Map<String, Object> base = QueryVectorsTest.plain(observed.get("baseContext"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : observed.get("cases")) {
      String query = c.get("query").asText();
      Map<String, Object> context = new HashMap<>(base);
      context.putAll(QueryVectorsTest.plain(c.get("contextOverrides")));
      context.put("env", "production");
      String name = c.get("id").asText() + " " + query + " " + c.get("contextOverrides");
      if (c.has("matched")) {
        boolean expected = c.get("matched").asBoolean();
        tests.add(DynamicTest.dynamicTest(name, () ->
            assertThat(Queries.compile(query).matches(QueryContext.of(context))).isEqualTo(expected)));
      } else {
        tests.add(DynamicTest.dynamicTest("refused " + name, () ->
            assertThatCode(() -> Queries.compile(query).matches(QueryContext.of(context)))
                .doesNotThrowAnyException()));
      }
    }
    assertThat(tests).hasSize(observed.get("cases").size()).isNotEmpty();
    return tests.stream();
  }
}
