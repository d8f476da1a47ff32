package dev.flagrelay.internal.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagrelay.internal.json.JsonCodec;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.LayeredEvaluationContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.Value;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GOFF-CACHE-004, GOFF-LIFE-007: an immutable deep copy compared by full value equality. */
class ContextSnapshotTest {

  private static ImmutableContext canonical(String targetingKey) {
    Map<String, Value> company = Map.of("name", new Value("my_company"), "size", new Value(120));
    return new ImmutableContext(
        targetingKey,
        Map.of(
            "email", new Value("john.doe@gofeatureflag.org"),
            "anonymous", new Value(false),
            "rate", new Value(3.14),
            "age", new Value(30),
            "signup", new Value(Instant.parse("2024-03-01T10:15:30Z")),
            "company_info", new Value(new ImmutableStructure(company)),
            "labels", new Value(List.of(new Value("pro"), new Value("beta")))));
  }

  private static ImmutableContext withCompanyName(String name) {
    return new ImmutableContext(
        "u1", Map.of("company", new Value(new ImmutableStructure(Map.of("name", new Value(name))))));
  }

  private static ImmutableContext withLabels(String... labels) {
    List<Value> values = new ArrayList<>();
    for (String label : labels) {
      values.add(new Value(label));
    }
    return new ImmutableContext("u1", Map.of("labels", new Value(values)));
  }

  /** The symptom of a cache keyed by {@code hashCode()}: two users sharing one answer. */
  @Test
  void aaAndBB_sameHashCode_stillUnequal() {
    ContextSnapshot aa = ContextSnapshot.of(new ImmutableContext("Aa"));
    ContextSnapshot bb = ContextSnapshot.of(new ImmutableContext("BB"));

    assertThat(aa.hashCode()).isEqualTo(bb.hashCode());
    assertThat(aa).isNotEqualTo(bb);
  }

  @Test
  void differentOnlyInANestedAttribute_unequal() {
    assertThat(ContextSnapshot.of(withCompanyName("acme"))).isNotEqualTo(ContextSnapshot.of(withCompanyName("globex")));
  }

  @Test
  void differentOnlyInListOrder_unequal() {
    assertThat(ContextSnapshot.of(withLabels("pro", "beta"))).isNotEqualTo(ContextSnapshot.of(withLabels("beta", "pro")));
  }

  @Test
  void differentOnlyInTargetingKey_unequal() {
    assertThat(ContextSnapshot.of(canonical("u1"))).isNotEqualTo(ContextSnapshot.of(canonical("u2")));
  }

  @Test
  void equalContexts_equalWithEqualHashCodes() {
    ContextSnapshot first = ContextSnapshot.of(canonical("u1"));
    ContextSnapshot second = ContextSnapshot.of(canonical("u1"));

    assertThat(first).isEqualTo(second);
    assertThat(first.hashCode()).isEqualTo(second.hashCode());
  }

  @Test
  void equalContexts_fromImmutableAndMutableContext_equal() {
    MutableContext mutable = new MutableContext("u1");
    mutable.add("plan", "pro");
    mutable.add("age", 30);

    ContextSnapshot fromImmutable =
        ContextSnapshot.of(new ImmutableContext("u1", Map.of("plan", new Value("pro"), "age", new Value(30))));

    assertThat(ContextSnapshot.of(mutable)).isEqualTo(fromImmutable);
  }

  @Test
  void targetingKey_includedAsAttribute() {
    ContextSnapshot snapshot = ContextSnapshot.of(canonical("d45e303a"));

    assertThat(snapshot.targetingKey()).isEqualTo("d45e303a");
    assertThat(snapshot.attributes()).containsEntry(ContextSnapshot.TARGETING_KEY, "d45e303a");
  }

  @Test
  void noTargetingKey_nullAndAbsent() {
    ContextSnapshot snapshot = ContextSnapshot.of(new ImmutableContext(Map.of("plan", new Value("pro"))));

    assertThat(snapshot.targetingKey()).isNull();
    assertThat(snapshot.attributes()).doesNotContainKey(ContextSnapshot.TARGETING_KEY);
  }

  @Test
  void nullContext_isEmpty() {
    assertThat(ContextSnapshot.of(null)).isEqualTo(ContextSnapshot.EMPTY);
    assertThat(ContextSnapshot.of(null).attributes()).isEmpty();
  }

  @Test
  void values_copiedAsPlainJavaTypes() {
    Map<String, Object> attributes = ContextSnapshot.of(canonical("u1")).attributes();

    assertThat(attributes)
        .containsEntry("email", "john.doe@gofeatureflag.org")
        .containsEntry("anonymous", false)
        .containsEntry("rate", 3.14)
        .containsEntry("age", 30)
        .containsEntry("signup", Instant.parse("2024-03-01T10:15:30Z"))
        .containsEntry("company_info", Map.of("name", "my_company", "size", 120))
        .containsEntry("labels", List.of("pro", "beta"));
  }

  @Test
  void mutableContextChangedAfterTheSnapshot_snapshotUnchanged() {
    MutableContext context = new MutableContext("u1");
    context.add("plan", "free");
    ContextSnapshot snapshot = ContextSnapshot.of(context);
    ContextSnapshot copy = ContextSnapshot.of(context);

    context.add("plan", "pro");
    context.add("age", 31);
    context.setTargetingKey("u2");

    assertThat(snapshot.attributes()).containsOnly(Map.entry("targetingKey", "u1"), Map.entry("plan", "free"));
    assertThat(snapshot).isEqualTo(copy).hasSameHashCodeAs(copy);
  }

  @Test
  void nestedMutableStructureChangedAfterTheSnapshot_snapshotUnchanged() {
    MutableStructure company = new MutableStructure();
    company.add("name", "acme");
    List<Value> labels = new ArrayList<>(List.of(new Value("pro")));
    MutableContext context = new MutableContext("u1");
    context.add("company", company);
    context.add("labels", labels);
    ContextSnapshot snapshot = ContextSnapshot.of(context);

    company.add("name", "globex");
    labels.add(new Value("beta"));

    assertThat(snapshot.attributes())
        .containsEntry("company", Map.of("name", "acme"))
        .containsEntry("labels", List.of("pro"));
  }

  @Test
  void attributes_unmodifiable() {
    ContextSnapshot snapshot = ContextSnapshot.of(canonical("u1"));

    assertThatThrownBy(() -> snapshot.attributes().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void nestedMap_unmodifiable() {
    Map<String, Object> company = (Map<String, Object>) ContextSnapshot.of(canonical("u1")).attributes().get("company_info");

    assertThatThrownBy(() -> company.put("size", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void nestedList_unmodifiable() {
    List<Object> labels = (List<Object>) ContextSnapshot.of(canonical("u1")).attributes().get("labels");

    assertThatThrownBy(() -> labels.add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void ofAttributes_callerMapChangedAfterwards_snapshotUnchanged() {
    Map<String, Object> nested = new HashMap<>(Map.of("name", "acme"));
    Map<String, Object> attributes = new HashMap<>(Map.of("company", nested));
    ContextSnapshot snapshot = ContextSnapshot.ofAttributes(attributes);

    nested.put("name", "globex");
    attributes.put("plan", "pro");

    assertThat(snapshot.attributes()).containsOnly(Map.entry("company", Map.of("name", "acme")));
  }

  @Test
  void nullAttributeValue_keptAsNull() {
    MutableContext context = new MutableContext("u1");
    context.add("nickname", (String) null);

    assertThat(ContextSnapshot.of(context).attributes()).containsEntry("nickname", null);
  }

  // The copy-free read of immutable contexts (SdkContexts) must see exactly what the public API sees.

  private static MutableContext mutableCopyOf(ImmutableContext context) {
    return new MutableContext(context.getTargetingKey(), context.asMap());
  }

  @Test
  void immutableContextWrappedBySdk_readWithoutCopies_sameSnapshotAsThePublicApi() {
    ImmutableContext invocation = canonical("u1");
    LayeredEvaluationContext layered =
        new LayeredEvaluationContext(ImmutableContext.EMPTY, null, new ImmutableContext(), invocation);

    assertThat(ContextSnapshot.readsWithoutCopies(layered)).isTrue();
    assertThat(ContextSnapshot.of(layered)).isEqualTo(ContextSnapshot.of(mutableCopyOf(invocation)));
    assertThat(ContextSnapshot.of(layered).targetingKey()).isEqualTo("u1");
  }

  @Test
  void nestedStructuresListsAndInstants_readWithoutCopies_sameSnapshotAsThePublicApi() {
    Instant at = Instant.parse("2026-11-26T10:15:30Z");
    ImmutableContext invocation =
        new ImmutableContext(
            "u2",
            Map.of(
                "at", new Value(at),
                "nested", new Value(new ImmutableStructure(Map.of("list", new Value(List.of(new Value(1), new Value("a")))))),
                "none", new Value()));

    ContextSnapshot fast = ContextSnapshot.of(invocation);

    assertThat(ContextSnapshot.readsWithoutCopies(invocation)).isTrue();
    assertThat(fast).isEqualTo(ContextSnapshot.of(mutableCopyOf(invocation)));
    assertThat(fast.get("at")).isEqualTo(at);
    assertThat(fast.attributes()).containsKey("none");
  }

  @Test
  void severalNonEmptyLayers_useThePublicApi_andInvocationWins() {
    ImmutableContext client = new ImmutableContext("client-key", Map.of("plan", new Value("free"), "region", new Value("eu")));
    ImmutableContext invocation = new ImmutableContext("u3", Map.of("plan", new Value("pro")));
    LayeredEvaluationContext layered = new LayeredEvaluationContext(null, null, client, invocation);

    ContextSnapshot snapshot = ContextSnapshot.of(layered);

    assertThat(ContextSnapshot.readsWithoutCopies(layered)).isFalse();
    assertThat(snapshot.get("plan")).isEqualTo("pro");
    assertThat(snapshot.get("region")).isEqualTo("eu");
    assertThat(snapshot.targetingKey()).isEqualTo("u3");
  }

  @Test
  void mutableLayer_usesThePublicApi() {
    MutableContext invocation = new MutableContext("u4").add("plan", "free");
    LayeredEvaluationContext layered = new LayeredEvaluationContext(null, null, null, invocation);

    assertThat(ContextSnapshot.readsWithoutCopies(layered)).isFalse();
    assertThat(ContextSnapshot.of(layered).get("plan")).isEqualTo("free");
  }

  // Depth (issue 11: a context that contains itself threw StackOverflowError).

  /** A chain of structures {@code levels} deep: the attribute's value is level 1. */
  private static MutableStructure nested(int levels) {
    MutableStructure innermost = new MutableStructure().add("leaf", "x");
    MutableStructure current = innermost;
    for (int level = 2; level < levels; level++) {
      current = new MutableStructure().add("child", current);
    }
    return current;
  }

  @Test
  void contextExactlyMaxDepthDeep_copiedComparedAndEncoded() {
    MutableContext context = new MutableContext("u1");
    context.add("deep", nested(ContextSnapshot.MAX_DEPTH));

    ContextSnapshot snapshot = ContextSnapshot.of(context);
    ContextSnapshot again = ContextSnapshot.of(context);

    assertThat(snapshot).isEqualTo(again).hasSameHashCodeAs(again);
    String json = new String(new JsonCodec(Map.of()).evaluationRequest(snapshot), StandardCharsets.UTF_8);
    assertThat(json).contains("\"leaf\":\"x\"");
  }

  @Test
  void contextOneLevelDeeperThanMaxDepth_rejectedNamingTheAttribute() {
    MutableContext context = new MutableContext("u1");
    context.add("deep", nested(ContextSnapshot.MAX_DEPTH + 1));

    assertThatThrownBy(() -> ContextSnapshot.of(context))
        .isInstanceOf(ContextTooDeepException.class)
        .hasMessageContaining("'deep'")
        .hasMessageContaining("deeper than " + ContextSnapshot.MAX_DEPTH);
  }

  @Test
  void structureContainingItself_rejectedNotStackOverflow() {
    MutableStructure loop = new MutableStructure();
    loop.add("self", loop);
    MutableContext context = new MutableContext("u1");
    context.add("loop", loop);

    assertThatThrownBy(() -> ContextSnapshot.of(context)).isInstanceOf(ContextTooDeepException.class);
  }

  @Test
  void listContainingItself_rejectedNotStackOverflow() {
    List<Value> loop = new ArrayList<>();
    loop.add(new Value(loop));
    MutableContext mutable = new MutableContext("u1");
    mutable.add("loop", loop);

    assertThatThrownBy(() -> ContextSnapshot.of(mutable)).isInstanceOf(ContextTooDeepException.class);
  }

  @Test
  void plainAttributesContainingThemselves_rejectedNotStackOverflow() {
    Map<String, Object> loop = new HashMap<>();
    loop.put("self", loop);

    assertThatThrownBy(() -> ContextSnapshot.ofAttributes(Map.of("loop", loop)))
        .isInstanceOf(ContextTooDeepException.class)
        .hasMessageContaining("'loop'");
  }

  @Test
  void plainFieldsOfAStructureContainingItself_rejectedNotStackOverflow() {
    MutableStructure loop = new MutableStructure();
    loop.add("self", loop);

    assertThatThrownBy(() -> ContextSnapshot.plainFields(loop)).isInstanceOf(ContextTooDeepException.class);
  }
}
