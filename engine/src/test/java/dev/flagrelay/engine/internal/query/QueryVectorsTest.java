package dev.flagrelay.engine.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the query vectors: the context is the vector's base context with the case's
 * overrides (override wins), then the enrichment {@code {"env":"production"}} (enrichment wins).
 * Cases where the official WebAssembly module trapped expect what the native engine (and the relay)
 * does: the rule is not applied.
 */
class QueryVectorsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Object> ENRICHMENT = Map.of("env", "production");

  @TestFactory
  Stream<DynamicTest> nikunjyVectors() throws IOException {
    return cases("nikunjy_queries.json");
  }

  @TestFactory
  Stream<DynamicTest> jsonLogicVectors() throws IOException {
    return cases("jsonlogic_queries.json");
  }

  private static Stream<DynamicTest> cases(String file) throws IOException {
    JsonNode vectors = read(file);
    Map<String, Object> base = plain(vectors.get("baseContext"));
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : vectors.get("cases")) {
      String query = c.get("query").asText();
      boolean expected = expectedMatch(c);
      Map<String, Object> context = new HashMap<>(base);
      context.putAll(plain(c.get("contextOverrides")));
      context.putAll(ENRICHMENT);
      tests.add(DynamicTest.dynamicTest(c.get("id").asText() + " " + query, () -> {
        Query compiled = Queries.compile(query);
        assertThat(compiled.matches(QueryContext.of(context)))
            .as("%s with %s", query, c.get("contextOverrides"))
            .isEqualTo(expected);
      }));
    }
    assertThat(tests).hasSize(vectors.get("cases").size()).isNotEmpty();
    return tests.stream();
  }

  /** {@code matched}, or for a case the WebAssembly module trapped on, the native engine's answer. */
  static boolean expectedMatch(JsonNode c) {
    if (c.path("wasmTrap").asBoolean(false)) {
      return c.get("nativeGoExpected").get("matched").asBoolean();
    }
    return c.get("matched").asBoolean();
  }

  static JsonNode read(String file) throws IOException {
    try (InputStream in = QueryVectorsTest.class.getResourceAsStream("/vectors/" + file)) {
      return JSON.readTree(in);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> plain(JsonNode object) {
    return JSON.convertValue(object, Map.class);
  }
}
