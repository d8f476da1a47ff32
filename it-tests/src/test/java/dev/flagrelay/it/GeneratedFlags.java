package dev.flagrelay.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random flags and contexts for the differential test, from one seed (without queries, flags have no targeting rules: the
 * relay refuses a rule without a query). Percentages are multiples of
 * 0.5 (exact in binary, so their sum does not depend on the order the relay adds them in); dates
 * lie around January 2024 and every context pins {@code gofeatureflag.currentDateTime}.
 */
final class GeneratedFlags {
  private static final String[] VARIATIONS = {"A", "B", "C", "True", "False", "on", "off", "ü-1", "v_2"};
  private static final String[] NIKUNJY = {
    "age gt 30", "age le 25", "rate eq 3", "rate gt 2.5", "email ew \"@example.com\"", "email co \"doe\"",
    "plan eq \"pro\"", "plan in [\"pro\", \"team\"]", "professional eq true", "team.id sw \"t-1\"",
    "version ge 1.2.0", "name eq \"JOSÉ\"", "missing pr", "labels pr", "age in [30, 31]",
    "not (plan eq \"free\")", "age gt 20 and plan eq \"pro\"", "plan eq \"free\" or age lt 22 and email pr",
    "targetingKey sw \"user-1\"", "anonymous eq true", "env eq \"production\""};
  private static final String[] JSONLOGIC = {
    "{\"==\": [{\"var\": \"plan\"}, \"pro\"]}", "{\">\": [{\"var\": \"age\"}, 28]}",
    "{\"in\": [\"beta\", {\"var\": \"labels\"}]}", "{\"and\": [{\"var\": \"professional\"}, {\"<\": [{\"var\": \"rate\"}, 3]}]}",
    "{\"!\": {\"var\": \"anonymous\"}}", "{\"==\": [{\"var\": \"team.id\"}, \"t-2\"]}"};
  private static final String[] PLANS = {"pro", "team", "free", "PRO"};
  private static final String[] NAMES = {"josé", "JOSÉ", "Zoë", "日本", "plain"};
  private static final String BASE_DATE = "2024-01-";

  private final Random random;
  private final boolean queries;
  /** The relay wants every variation of a flag to have the same JSON type. */
  private int valueType;

  GeneratedFlags(long seed, boolean queries) {
    this.random = new Random(seed);
    this.queries = queries;
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
    if (random.nextInt(8) == 0) {
      flag.put("disable", true);
    }
    if (random.nextInt(6) == 0) {
      flag.put("trackEvents", false);
    }
    if (random.nextInt(4) == 0) {
      flag.put("version", "v" + random.nextInt(5));
    }
    if (random.nextInt(6) == 0) {
      flag.put("bucketingKey", random.nextBoolean() ? "team.id" : "plan");
    }
    if (random.nextInt(8) == 0) {
      flag.put("experimentation", Map.of("start", date(), "end", date()));
    }
    if (random.nextInt(5) == 0) {
      flag.put("scheduledRollout", steps(names));
    }
    return flag;
  }

  private List<Object> steps(List<String> names) {
    List<Object> steps = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("date", date());
      switch (random.nextInt(4)) {
        case 0 -> step.put("defaultRule", rule(names, -1, false));
        case 1 -> step.put("targeting", queries ? List.of(rule(names, random.nextInt(3), true)) : List.of());
        case 2 -> step.put("disable", random.nextBoolean());
        default -> step.put("variations", Map.of(names.get(0), value()));
      }
      steps.add(step);
    }
    return steps;
  }

  private List<String> variationNames() {
    List<String> pool = new ArrayList<>(List.of(VARIATIONS));
    java.util.Collections.shuffle(pool, random);
    return List.copyOf(pool.subList(0, 2 + random.nextInt(3)));
  }

  private Map<String, Object> rule(List<String> names, int index, boolean targeting) {
    Map<String, Object> rule = new LinkedHashMap<>();
    if (targeting) {
      rule.put("name", "rule-" + index);
      rule.put("query", query());
    } else if (random.nextInt(5) == 0) {
      rule.put("name", "default");
    }
    switch (random.nextInt(4)) {
      case 0 -> rule.put("percentage", percentages(names));
      case 1 -> rule.put("progressiveRollout", progressive(names));
      default -> rule.put("variation", names.get(random.nextInt(names.size())));
    }
    return rule;
  }

  private String query() {
    return random.nextInt(4) == 0
        ? JSONLOGIC[random.nextInt(JSONLOGIC.length)]
        : NIKUNJY[random.nextInt(NIKUNJY.length)];
  }

  private Map<String, Object> percentages(List<String> names) {
    Map<String, Object> split = new LinkedHashMap<>();
    int left = 200;
    for (int i = 0; i < names.size(); i++) {
      int halves = i == names.size() - 1 ? left : random.nextInt(left + 1);
      left -= halves;
      split.put(names.get(i), halves % 2 == 0 ? (Object) (halves / 2) : (Object) (halves / 2.0));
    }
    if (random.nextInt(10) == 0) {
      split.put(names.get(0), 100); // sums other than 100 are normalised
    }
    return split;
  }

  private Map<String, Object> progressive(List<String> names) {
    String start = date();
    String end = date();
    if (start.compareTo(end) > 0) {
      String swap = start;
      start = end;
      end = swap;
    }
    return Map.of(
        "initial", Map.of("variation", names.get(0), "percentage", random.nextInt(30), "date", start),
        "end", Map.of("variation", names.get(1), "percentage", 50 + random.nextInt(51), "date", end));
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
    context.put("age", 18 + random.nextInt(40));
    context.put("rate", random.nextInt(500) / 100.0);
    context.put("email", "x" + random.nextInt(9) + (random.nextBoolean() ? "@example.com" : "@doe.org"));
    context.put("plan", PLANS[random.nextInt(PLANS.length)]);
    context.put("name", NAMES[random.nextInt(NAMES.length)]);
    context.put("professional", random.nextBoolean());
    if (random.nextBoolean()) {
      context.put("anonymous", random.nextBoolean());
    }
    context.put("labels", random.nextBoolean() ? List.of("beta") : List.of());
    context.put("version", random.nextInt(3) + "." + random.nextInt(3) + "." + random.nextInt(3));
    if (random.nextInt(5) > 0) {
      context.put("team", Map.of("id", "t-" + random.nextInt(4)));
    }
    context.put("gofeatureflag", Map.of("currentDateTime", date()));
    return context;
  }
}
