package dev.flagrelay.it;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ImmutableStructure;
import dev.openfeature.sdk.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation context of the GO Feature Flag provider specification, Appendix B.1: with it,
 * every flag of the conformance flag file resolves to its {@code True} variant.
 */
final class CanonicalContext {
  static final String TARGETING_KEY = "d45e303a-38c2-11ed-a261-0242ac120002";

  private CanonicalContext() {}

  static EvaluationContext get() {
    return withTargetingKey(TARGETING_KEY);
  }

  /** The canonical attributes with another targeting key (targeting matches on the email). */
  static EvaluationContext withTargetingKey(String targetingKey) {
    return new ImmutableContext(targetingKey, attributes());
  }

  /** The canonical attributes and no targeting key at all. */
  static EvaluationContext withoutTargetingKey() {
    return new ImmutableContext(attributes());
  }

  static Map<String, Value> attributes() {
    Map<String, Value> attributes = new HashMap<>();
    attributes.put("email", new Value("john.doe@gofeatureflag.org"));
    attributes.put("firstname", new Value("john"));
    attributes.put("lastname", new Value("doe"));
    attributes.put("anonymous", new Value(false));
    attributes.put("professional", new Value(true));
    attributes.put("rate", new Value(3.14));
    attributes.put("age", new Value(30));
    attributes.put(
        "company_info",
        new Value(new ImmutableStructure(Map.of("name", new Value("my_company"), "size", new Value(120)))));
    attributes.put("labels", new Value(List.of(new Value("pro"), new Value("beta"))));
    return attributes;
  }
}
