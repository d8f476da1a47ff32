package dev.flagrelay.engine.internal.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** No query text, however malformed, huge or deep, makes compiling or matching throw. */
class QueryRobustnessTest {

  private static final long SEED = Long.getLong("query.fuzz.seed", 20261206L);
  private static final int CASES = Integer.getInteger("query.fuzz.cases", 20_000);
  private static final String[] PIECES = {
    " ", "  ", "(", ")", "[", "]", ",", "\"", "\\", ".", "-", "+", "e", "E", "0", "1", "30", "1.2.3",
    "-rc.1", "+b", " and ", " or ", "not ", "NOT", " eq ", " EQ ", " == ", " ne ", " gt ", " < ",
    " >= ", " co ", " sw ", " ew ", " in ", " pr", "null", "true", "false", "age", "email",
    "company_info.size", "missing.x", "labels", "'", "\t", "\n", "{", "}", ":", "\"var\"", "\"==\"",
    "\"in\"", "\"cat\"", "\"substr\"", "\"reduce\"", "\"missing\"", "\"if\"", "\"/\"", "\u00e9", "\uD83D\uDE00",
  };

  private final Map<String, Object> context = QueryContext.of(sampleContext());

  @Test
  void randomAndMutatedQueriesNeverThrow() throws IOException {
    Random random = new Random(SEED);
    List<String> seeds = vectorQueries();
    int compiled = 0;
    for (int i = 0; i < CASES; i++) {
      String query = i % 2 == 0 ? mutate(seeds.get(random.nextInt(seeds.size())), random) : assemble(random);
      compiled += survive(query) ? 1 : 0;
    }
    assertThat(compiled).as("seed %d: some generated queries compile", SEED).isPositive();
  }

  @Test
  void deepNestingIsRefusedNotOverflowed() {
    int depth = 100_000;
    assertNotApplied("(".repeat(depth) + "age eq 30" + ")".repeat(depth));
    assertNotApplied("not (".repeat(depth) + "age eq 30" + ")".repeat(depth));
    assertNotApplied("not ".repeat(depth) + "age eq 30");
    assertNotApplied("{\"!\": ".repeat(depth) + "true" + "}".repeat(depth));
    assertNotApplied("{\"!!\": [".repeat(depth) + "true" + "]}".repeat(depth));
    assertNotApplied("{\"var\": " + "[".repeat(depth) + "]".repeat(depth) + "}");
  }

  @Test
  void longFlatQueriesEvaluateWithoutRecursion() {
    String chain = "age eq 31 or ".repeat(100_000) + "age eq 30";
    assertThat(Queries.compile(chain).matches(context)).isTrue();
    StringBuilder args = new StringBuilder("{\"or\": [");
    for (int i = 0; i < 100_000; i++) {
      args.append("{\"==\": [{\"var\": \"age\"}, ").append(i + 31).append("]}, ");
    }
    args.append("{\"==\": [{\"var\": \"age\"}, 30]}]}");
    assertThat(Queries.compile(args.toString()).matches(context)).isTrue();
  }

  @Test
  void hugeLiteralsAreHandled() {
    String big = "x".repeat(5_000_000);
    assertThat(Queries.compile("email eq \"" + big + "\"").matches(context)).isFalse();
    assertThat(Queries.compile("email eq \"" + big).matches(context)).isFalse();
    assertThat(Queries.compile("age eq " + "9".repeat(100_000)).matches(context)).isFalse();
    assertThat(Queries.compile("{\"==\": [\"" + big + "\", 1]}").matches(context)).isFalse();
  }

  @Test
  void hostileContextValuesDoNotThrow() {
    Map<String, Object> odd = new HashMap<>();
    odd.put("nan", Double.NaN);
    odd.put("inf", Double.POSITIVE_INFINITY);
    odd.put("big", new java.math.BigInteger("123456789012345678901234567890"));
    odd.put("nested", Map.of("list", List.of(Map.of("x", 1))));
    odd.put("nul", null);
    odd.put("obj", new Object());
    Map<String, Object> view = QueryContext.of(odd);
    for (String query : List.of("nan eq 1", "inf gt 1.5", "big gt 1", "nested.list.x eq 1", "nul.x eq null",
        "obj eq \"x\"", "obj.x pr", "{\"cat\": [{\"var\": \"nan\"}, {\"var\": \"inf\"}]}",
        "{\"substr\": [{\"var\": \"big\"}, -3]}", "{\"in\": [1, {\"var\": \"nested.list\"}]}",
        "{\"reduce\": [{\"var\": \"nested.list\"}, {\"cat\": [{\"var\": \"current\"}]}, null]}",
        "{\"==\": [{\"var\": \"obj\"}, {\"var\": \"obj.x\"}]}", "{\"max\": [{\"var\": \"obj\"}]}")) {
      Query compiled = Queries.compile(query);
      compiled.matches(view);
    }
  }

  private void assertNotApplied(String query) {
    Queries.Compiled compiled = Queries.compileOrError(query);
    assertThat(compiled.ok()).as("%.40s...", query).isFalse();
    assertThat(compiled.query().matches(context)).isFalse();
  }

  /** Compiles and matches {@code query}; fails the test (with the seed) if either throws. */
  private boolean survive(String query) {
    try {
      Queries.Compiled compiled = Queries.compileOrError(query);
      compiled.query().matches(context);
      return compiled.ok();
    } catch (Throwable t) {
      throw new AssertionError("seed " + SEED + ": query <" + query + "> threw", t);
    }
  }

  private static String mutate(String query, Random random) {
    StringBuilder out = new StringBuilder(query);
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = out.length() == 0 ? 0 : random.nextInt(out.length());
      switch (random.nextInt(3)) {
        case 0 -> out.insert(at, PIECES[random.nextInt(PIECES.length)]);
        case 1 -> {
          if (out.length() > 0) {
            out.deleteCharAt(at);
          }
        }
        default -> {
          if (out.length() > 0) {
            out.setCharAt(at, (char) (32 + random.nextInt(95)));
          }
        }
      }
    }
    return out.toString();
  }

  private static String assemble(Random random) {
    StringBuilder out = new StringBuilder();
    int pieces = 1 + random.nextInt(20);
    for (int p = 0; p < pieces; p++) {
      out.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return out.toString();
  }

  private static List<String> vectorQueries() throws IOException {
    List<String> queries = new ArrayList<>();
    for (String file : List.of("nikunjy_queries.json", "jsonlogic_queries.json", "relay_observed_queries.json")) {
      for (JsonNode c : QueryVectorsTest.read(file).get("cases")) {
        queries.add(c.get("query").asText());
      }
    }
    return queries;
  }

  private static Map<String, Object> sampleContext() {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("targetingKey", "user-1");
    attributes.put("email", "john.doe@gofeatureflag.org");
    attributes.put("age", 30);
    attributes.put("rate", 3.14);
    attributes.put("labels", List.of("pro", "beta"));
    attributes.put("company_info", Map.of("name", "my_company", "size", 120));
    attributes.put("version", "1.2.3");
    return attributes;
  }
}
