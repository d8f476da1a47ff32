package dev.flagrelay.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random flags, contexts and relay enrichment for the differential test, all from one seed.
 *
 * <p>Flags: 2 to 4 variations of one JSON type; 0 to 3 targeting rules with random nikunjy or
 * JsonLogic queries ({@link GeneratedQueries}); default rules named or not; single variations,
 * percentage splits with random percentages (integers, hundredths, quarters; sums other than 100
 * included) and progressive rollouts; disabled flags and rules; flag metadata; bucketing keys
 * ({@code targetingKey}, nested paths, paths to missing, null, number, boolean and object values);
 * experimentation windows (start, end or both); scheduled rollouts of up to 5 steps changing any
 * field a step may set. Splits whose percentage sum depends on the order the reference adds them
 * in (see {@code engine/README.md}) are redrawn, so every answer is deterministic.
 *
 * <p>Contexts: nested, unicode, integer and double, array, boolean and null attributes, the
 * targeting key absent, empty or unicode, and {@code gofeatureflag.currentDateTime} pinned
 * (rarely invalid or absent: the relay and the engine then use the real clock, and every
 * generated date is in the past).
 */
final class GeneratedFlags {
  private static final String[] VARIATIONS = {"A", "B", "C", "True", "False", "on", "off", "ü-1", "v_2", "Ω"};
  private static final String[] BUCKETING_KEYS = {
    "targetingKey", "team.id", "company.info.name", "país", "email", "age", "professional", "nothing",
    "team", "missing", "team.id.deeper", "company.info.size", "labels"};
  private static final String[] PLANS = {"pro", "team", "free", "PRO", "enterprise"};
  private static final String[] NAMES = {"josé", "JOSÉ", "Zoë", "日本", "plain", "😀", ""};
  private static final String BASE_DATE = "2024-01-";

  private final Random random;
  private final boolean queries;
  private final GeneratedQueries queryTexts;
  /** The relay wants every variation of a flag to have the same JSON type. */
  private int valueType;

  GeneratedFlags(long seed, boolean queries) {
    this.random = new Random(seed);
    this.queries = queries;
    this.queryTexts = new GeneratedQueries(random);
  }

  /** The relay's {@code evaluationContextEnrichment} for this run: some fields clash with contexts. */
  Map<String, Object> enrichment() {
    Map<String, Object> enrichment = new LinkedHashMap<>();
    if (random.nextInt(4) == 0) {
      return enrichment;
    }
    enrichment.put("env", random.nextBoolean() ? "production" : "staging");
    if (random.nextBoolean()) {
      enrichment.put("plan", "enterprise");
    }
    if (random.nextBoolean()) {
      enrichment.put("team", Map.of("id", "t-enriched", "size", 7));
    }
    if (random.nextInt(3) == 0) {
      enrichment.put("anonymous", true);
    }
    if (random.nextBoolean()) {
      enrichment.put("tier", random.nextBoolean() ? 3 : 2.5);
    }
    return enrichment;
  }

  /**
   * One flag of each kind engine/README.md lists as refused by the relay at load time, by key,
   * each with the engine's documented verdict for it ({@code reason/errorCode/variant}).
   */
  static Map<String, Map.Entry<Map<String, Object>, String>> refusedByTheRelay() {
    Map<String, Object> ab = Map.of("A", "a", "B", "b");
    Map<String, Map.Entry<Map<String, Object>, String>> flags = new LinkedHashMap<>();
    flags.put("refused-unknown-variation", Map.entry(
        Map.of("variations", ab, "defaultRule", Map.of("variation", "Z")), "STATIC/-/Z"));
    flags.put("refused-rule-without-result", Map.entry(
        Map.of("variations", ab, "defaultRule", Map.of("name", "empty")), "ERROR/FLAG_CONFIG/SdkDefault"));
    flags.put("refused-all-zero-split", Map.entry(
        Map.of("variations", ab, "defaultRule", Map.of("percentage", Map.of("A", 0, "B", 0))), "ERROR/FLAG_CONFIG/SdkDefault"));
    flags.put("refused-malformed-query", Map.entry(
        Map.of("variations", ab, "targeting", List.of(Map.of("query", "age gt", "variation", "A")), "defaultRule", Map.of("variation", "B")),
        "DEFAULT/-/B"));
    return flags;
  }

  Map<String, Object> flag() {
    Map<String, Object> flag = new LinkedHashMap<>();
    List<String> names = variationNames();
    valueType = random.nextInt(5);
    Map<String, Object> variations = new LinkedHashMap<>();
    names.forEach(name -> variations.put(name, value()));
    flag.put("variations", variations);
    if (queries && random.nextInt(3) > 0) {
      List<Object> rules = new ArrayList<>();
      int count = 1 + random.nextInt(3);
      for (int i = 0; i < count; i++) {
        rules.add(rule(names, i, true));
      }
      flag.put("targeting", rules);
    }
    flag.put("defaultRule", rule(names, -1, false));
    if (random.nextInt(6) == 0) {
      flag.put("disable", true);
    }
    if (random.nextInt(6) == 0) {
      flag.put("trackEvents", false);
    }
    if (random.nextInt(4) == 0) {
      flag.put("version", "v" + random.nextInt(5));
    }
    if (random.nextInt(4) == 0) {
      flag.put("metadata", metadata());
    }
    if (random.nextInt(4) == 0) {
      flag.put("bucketingKey", BUCKETING_KEYS[random.nextInt(BUCKETING_KEYS.length)]);
    }
    if (random.nextInt(6) == 0) {
      flag.put("experimentation", experimentation());
    }
    if (random.nextInt(4) == 0) {
      flag.put("scheduledRollout", steps(names));
    }
    return flag;
  }

  private Map<String, Object> metadata() {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("description", "generated ✓");
    if (random.nextBoolean()) {
      metadata.put("owner", "team-" + random.nextInt(3));
    }
    if (random.nextBoolean()) {
      metadata.put("issue", random.nextInt(1000));
    }
    return metadata;
  }

  private Map<String, Object> experimentation() {
    Map<String, Object> window = new LinkedHashMap<>();
    int kind = random.nextInt(3);
    if (kind != 1) {
      window.put("start", date());
    }
    if (kind != 0) {
      window.put("end", date());
    }
    return window;
  }

  private List<Object> steps(List<String> names) {
    List<Object> steps = new ArrayList<>();
    int count = 1 + random.nextInt(5);
    for (int i = 0; i < count; i++) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("date", date());
      int changes = 1 + random.nextInt(2);
      for (int c = 0; c < changes; c++) {
        switch (random.nextInt(8)) {
          case 0 -> step.put("defaultRule", rule(names, -1, false));
          case 1 -> step.put("defaultRule", Map.of("variation", pick(names)));
          // A new name per step: the relay merges a later step's percentages into the map of a rule an
          // earlier step added, in place, so later-dated evaluations change earlier ones (engine/README.md).
          case 2 -> step.put("targeting", queries ? List.of(rule(names, 10 + i, true)) : List.of());
          case 3 -> step.put("targeting", List.of(Map.of("name", "rule-" + random.nextInt(3), "variation", pick(names))));
          case 4 -> step.put("disable", random.nextBoolean());
          case 5 -> step.put("experimentation", experimentation());
          case 6 -> {
            if (random.nextBoolean()) {
              step.put("version", "v9");
            } else {
              step.put("trackEvents", random.nextBoolean());
            }
          }
          default -> step.put("variations", Map.of(pick(names), value()));
        }
      }
      steps.add(step);
    }
    return steps;
  }

  private List<String> variationNames() {
    List<String> pool = new ArrayList<>(List.of(VARIATIONS));
    Collections.shuffle(pool, random);
    return List.copyOf(pool.subList(0, 2 + random.nextInt(3)));
  }

  private Map<String, Object> rule(List<String> names, int index, boolean targeting) {
    Map<String, Object> rule = new LinkedHashMap<>();
    if (targeting) {
      rule.put("name", "rule-" + index);
      rule.put("query", query());
      if (random.nextInt(12) == 0) {
        rule.put("disable", true);
      }
    } else if (random.nextInt(3) == 0) {
      rule.put("name", random.nextBoolean() ? "default" : "légacy rule");
    }
    switch (random.nextInt(4)) {
      case 0 -> rule.put("percentage", percentages(names));
      case 1 -> rule.put("progressiveRollout", progressive(names));
      default -> rule.put("variation", pick(names));
    }
    return rule;
  }

  private String query() {
    return random.nextInt(3) == 0 ? queryTexts.jsonLogic() : queryTexts.nikunjy();
  }

  /** A split whose modulus does not depend on the order its percentages are added in. */
  private Map<String, Object> percentages(List<String> names) {
    while (true) {
      Map<String, Object> split = new LinkedHashMap<>();
      int style = random.nextInt(4);
      for (String name : names) {
        split.put(name, percentage(style, names.size()));
      }
      if (style == 3) {
        split.put(pick(names), 100); // one bucket at 100% among others (a sum over 100)
      }
      if (orderInsensitive(split.values())) {
        return split;
      }
    }
  }

  private Object percentage(int style, int count) {
    return switch (style) {
      case 0 -> random.nextInt(101); // integers, any sum
      case 1 -> random.nextInt(100_00 / count + 1) / 100.0; // hundredths
      case 2 -> random.nextInt(400 / count + 1) / 4.0; // quarters (exact in binary)
      default -> random.nextInt(3) == 0 ? 0 : random.nextInt(40);
    };
  }

  /** Whether every order of addition gives the same {@code (uint32)(sum × 1000)}. */
  static boolean orderInsensitive(java.util.Collection<Object> percentages) {
    double[] values = percentages.stream().mapToDouble(p -> ((Number) p).doubleValue()).toArray();
    long first = -1;
    for (int[] order : permutations(values.length)) {
      double sum = 0;
      for (int i : order) {
        sum += values[i];
      }
      long modulus = (long) (sum * 1000) & 0xFFFF_FFFFL;
      if (first == -1) {
        first = modulus;
      } else if (modulus != first) {
        return false;
      }
    }
    return true;
  }

  private static List<int[]> permutations(int n) {
    List<int[]> all = new ArrayList<>();
    permute(new int[n], new boolean[n], 0, all);
    return all;
  }

  private static void permute(int[] order, boolean[] used, int at, List<int[]> all) {
    if (at == order.length) {
      all.add(order.clone());
      return;
    }
    for (int i = 0; i < order.length; i++) {
      if (!used[i]) {
        used[i] = true;
        order[at] = i;
        permute(order, used, at + 1, all);
        used[i] = false;
      }
    }
  }

  private Map<String, Object> progressive(List<String> names) {
    String start = date();
    String end = date();
    if (start.compareTo(end) > 0) {
      String swap = start;
      start = end;
      end = swap;
    }
    int endPercent = random.nextInt(8) == 0 ? 120 : 1 + random.nextInt(100);
    int initial = random.nextInt(Math.min(endPercent, 100) + 1); // the relay refuses initial > end
    Object endPercentage = endPercent;
    Object initialPercentage = random.nextBoolean() || initial == 0 ? initial : initial - random.nextInt(100) / 100.0;
    return Map.of(
        "initial", Map.of("variation", names.get(0), "percentage", initialPercentage, "date", start),
        "end", Map.of("variation", names.get(1), "percentage", endPercentage, "date", end));
  }

  private Object value() {
    return switch (valueType) {
      case 0 -> "s" + random.nextInt(100);
      case 1 -> random.nextInt(1000);
      case 2 -> random.nextInt(1000) / 4.0;
      case 3 -> random.nextBoolean();
      default -> Map.of("k", random.nextInt(10), "l", List.of(1, "x"));
    };
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  String date() {
    return String.format("%s%02dT%02d:%02d:%02dZ", BASE_DATE, 1 + random.nextInt(20), random.nextInt(24), random.nextInt(60), random.nextInt(60));
  }

  /** A context as OFREP sends it: {@code targetingKey} among the attributes. */
  Map<String, Object> context() {
    Map<String, Object> context = new LinkedHashMap<>();
    int key = random.nextInt(12);
    if (key > 0) {
      context.put("targetingKey", key == 1 ? "" : key == 2 ? "ünï-😀-" + random.nextInt(50) : "user-" + random.nextInt(100_000));
    }
    maybe(context, "age", () -> random.nextInt(4) == 0 ? (Object) (18 + random.nextInt(40) + 0.0) : (Object) (18 + random.nextInt(40)));
    maybe(context, "rate", () -> random.nextInt(500) / 100.0);
    maybe(context, "email", () -> "x" + random.nextInt(9) + (random.nextBoolean() ? "@example.com" : "@doe.org"));
    maybe(context, "plan", () -> pick(PLANS));
    maybe(context, "name", () -> pick(NAMES));
    maybe(context, "professional", random::nextBoolean);
    maybe(context, "anonymous", () -> random.nextInt(5) == 0 ? "yes" : random.nextBoolean());
    maybe(context, "labels", () -> random.nextBoolean() ? List.of("beta", "pro") : random.nextBoolean() ? List.of() : List.of(1, "beta", true));
    maybe(context, "scores", () -> List.of(random.nextInt(50), random.nextInt(5000) / 100.0));
    maybe(context, "version", () -> random.nextInt(6) == 0 ? "v1.2" : random.nextInt(3) + "." + random.nextInt(3) + "." + random.nextInt(3));
    maybe(context, "team", this::team);
    // Always an object under company.info: a nikunjy path of 3+ segments through a missing object
    // changes how the rest of the query evaluates on the relay, not modelled (engine/README.md).
    context.put("company", Map.of("info", random.nextInt(6) == 0 ? Map.of() : Map.of("name", pick(NAMES), "size", random.nextInt(300))));
    maybe(context, "país", () -> random.nextBoolean() ? "ES" : "日本");
    if (random.nextInt(4) == 0) {
      context.put("nothing", null);
    }
    if (random.nextInt(6) == 0) {
      context.put("key", "not-the-targeting-key");
    }
    if (random.nextInt(5) == 0) {
      context.put("tier", random.nextBoolean() ? 1 : 2.5);
    }
    int date = random.nextInt(25);
    if (date > 1) {
      context.put("gofeatureflag", Map.of("currentDateTime", date()));
    } else if (date == 1) {
      context.put("gofeatureflag", Map.of("currentDateTime", "not a date"));
    }
    return context;
  }

  private Object team() {
    return switch (random.nextInt(6)) {
      case 0 -> "t-flat";
      case 1 -> Map.of("id", 42);
      default -> Map.of("id", "t-" + random.nextInt(4), "size", random.nextInt(20), "tags", List.of("a", "b"));
    };
  }

  private void maybe(Map<String, Object> context, String name, java.util.function.Supplier<Object> value) {
    if (random.nextInt(8) > 0) {
      context.put(name, value.get());
    }
  }
}
