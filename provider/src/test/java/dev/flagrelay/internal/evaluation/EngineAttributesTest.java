package dev.flagrelay.internal.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagrelay.engine.EvaluationResult;
import dev.flagrelay.engine.FlagConfiguration;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineAttributesTest {
  private static final Instant SIGNUP = Instant.parse("2024-02-29T12:34:56.789Z");
  private static final Instant SINCE = Instant.parse("2020-01-01T00:00:00Z");

  /** Nested structures and lists, instants at the top and nested, unicode names and values, a null. */
  private static final ContextSnapshot RICH =
      ContextSnapshot.of(
          new ImmutableContext(
              "user-ü-🚀",
              Map.of(
                  "name", new Value("Zoë 🚀"),
                  "ünïcode-ключ", new Value("значение"),
                  "signup", new Value(SIGNUP),
                  "age", new Value(34),
                  "score", new Value(2.5),
                  "anonymous", new Value(true),
                  "nothing", new Value(),
                  "labels", new Value(List.of(new Value("beta"), new Value(SINCE), new Value(7))),
                  "profile",
                  new Value(
                      new ImmutableStructure(
                          Map.of(
                              "since", new Value(SINCE),
                              "company", new Value(new ImmutableStructure(Map.of("size", new Value(120)))),
                              "tags", new Value(List.of(new Value("a")))))),
                  "plain", new Value(new ImmutableStructure(Map.of("x", new Value("y"), "n", new Value(1)))))));

  /** What the engine was handed before the view: a copy, made the way the view must answer. */
  private static Map<String, Object> copyAsBefore(ContextSnapshot context) {
    Map<String, Object> plain = new HashMap<>();
    for (Map.Entry<String, Object> attribute : context.attributes().entrySet()) {
      if (!attribute.getKey().equals(ContextSnapshot.TARGETING_KEY)) {
        plain.put(attribute.getKey(), instantsAsTextAsBefore(attribute.getValue()));
      }
    }
    return plain;
  }

  private static Object instantsAsTextAsBefore(Object value) {
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new HashMap<>();
      map.forEach((key, item) -> copy.put(String.valueOf(key), instantsAsTextAsBefore(item)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(instantsAsTextAsBefore(item)));
      return copy;
    }
    return value;
  }

  @Test
  void everyLookup_answersAsTheCopyDid() {
    assertLookupsAsTheCopy(RICH);
  }

  @Test
  @SuppressWarnings("unchecked")
  void instants_readAsTheirRfc3339Text_atTheTopAndNested() {
    EngineAttributes view = new EngineAttributes(RICH);

    assertThat(view.get("signup")).isEqualTo("2024-02-29T12:34:56.789Z");
    assertThat(((Map<?, ?>) view.get("profile")).get("since")).isEqualTo("2020-01-01T00:00:00Z");
    assertThat((List<Object>) view.get("labels")).containsExactly("beta", "2020-01-01T00:00:00Z", 7);
  }

  @Test
  void valuesWithoutInstants_theSnapshotsOwn_notCopied() {
    EngineAttributes view = new EngineAttributes(RICH);

    assertThat(view.get("plain")).isSameAs(RICH.get("plain"));
    assertThat(view.get("name")).isSameAs(RICH.get("name"));
  }

  @Test
  void targetingKey_notAnAttribute() {
    EngineAttributes view = new EngineAttributes(RICH);

    assertThat(view.get("targetingKey")).isNull();
    assertThat(view.containsKey("targetingKey")).isFalse();
    assertThat(view.keySet()).doesNotContain("targetingKey");
    assertThat(view).hasSize(RICH.size() - 1);
  }

  @Test
  void nonStringTargetingKeyAndNoTargetingKey_answerAsTheCopyDid() {
    assertLookupsAsTheCopy(ContextSnapshot.ofAttributes(Map.of("targetingKey", 42, "plan", "pro")));
    assertLookupsAsTheCopy(ContextSnapshot.ofAttributes(Map.of("plan", "pro", "when", SIGNUP)));
    assertLookupsAsTheCopy(ContextSnapshot.EMPTY);
  }

  @Test
  void engine_answersEveryQueryAsWithTheCopy() {
    FlagConfiguration flags =
        FlagConfiguration.parse(
            """
            {"flags": {
              "top-instant": %s,
              "nested-instant": %s,
              "unicode": %s,
              "list-item": %s,
              "nested-number": %s,
              "anonymous": %s,
              "jsonlogic-nested": %s,
              "jsonlogic-whole-context": %s,
              "bucketing-by-nested": {"variations": {"match": true, "miss": false}, "bucketingKey": "profile.since",
                "defaultRule": {"percentage": {"match": 50, "miss": 50}}}
            }}
            """
                .formatted(
                    flag("signup eq \\\"2024-02-29T12:34:56.789Z\\\""),
                    flag("profile.since eq \\\"2020-01-01T00:00:00Z\\\""),
                    flag("name eq \\\"Zoë 🚀\\\""),
                    jsonLogicFlag("{\\\"in\\\": [\\\"2020-01-01T00:00:00Z\\\", {\\\"var\\\": \\\"labels\\\"}]}"),
                    flag("profile.company.size gt 100"),
                    flag("anonymous eq true and targetingKey eq \\\"user-ü-🚀\\\""),
                    jsonLogicFlag("{\\\"==\\\": [{\\\"var\\\": \\\"profile.since\\\"}, \\\"2020-01-01T00:00:00Z\\\"]}"),
                    jsonLogicFlag("{\\\"!!\\\": [{\\\"var\\\": \\\"\\\"}]}")));
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    dev.flagrelay.engine.EvaluationContext viewed = LocalEvaluator.engineContext(RICH);
    dev.flagrelay.engine.EvaluationContext copied =
        dev.flagrelay.engine.EvaluationContext.of(RICH.targetingKey(), copyAsBefore(RICH));

    assertThat(flags.unsupportedFlags()).isEmpty();
    assertThat(flags.evaluableFlags()).hasSize(9);
    for (String flag : flags.evaluableFlags()) {
      EvaluationResult fromView = flags.evaluate(flag, viewed, null, now);
      EvaluationResult fromCopy = flags.evaluate(flag, copied, null, now);
      assertThat(fromView).as(flag).isEqualTo(fromCopy);
      if (!flag.equals("bucketing-by-nested")) {
        assertThat(fromView.variant()).as(flag + " (a rule that must match)").isEqualTo("match");
      }
    }
  }

  private static String flag(String nikunjyQuery) {
    return "{\"variations\": {\"match\": true, \"miss\": false}, \"targeting\": [{\"query\": \"" + nikunjyQuery
        + "\", \"variation\": \"match\"}], \"defaultRule\": {\"variation\": \"miss\"}}";
  }

  private static String jsonLogicFlag(String rule) {
    return flag(rule);
  }

  private static void assertLookupsAsTheCopy(ContextSnapshot context) {
    Map<String, Object> copy = copyAsBefore(context);
    EngineAttributes view = new EngineAttributes(context);
    Set<String> names = new HashSet<>(context.attributes().keySet());
    names.addAll(List.of("targetingKey", "missing", "anonymous", "key", ""));
    for (String name : names) {
      assertThat(view.get(name)).as(name).isEqualTo(copy.get(name));
      assertThat(view.containsKey(name)).as(name).isEqualTo(copy.containsKey(name));
    }
    assertThat(view.size()).isEqualTo(copy.size());
    assertThat(view.entrySet()).isEqualTo(copy.entrySet());
  }
}
