package dev.flagrelay.benchmarks.workload;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.util.Map;

/** The flag every benchmark evaluates and the evaluation contexts it evaluates it for. */
public final class Contexts {
  /** The key of the boolean flag every benchmark asks for. */
  public static final String FLAG = "bench-flag";
  /** How many distinct targeting keys the many-contexts benchmarks spread over. */
  public static final int DISTINCT_USERS = 10_000;

  private Contexts() {}

  /** A small, realistic context: a targeting key and three attributes. */
  public static EvaluationContext user(String targetingKey) {
    return new ImmutableContext(
        targetingKey,
        Map.of(
            "email", new Value(targetingKey + "@example.com"),
            "company", new Value("flagrelay"),
            "anonymous", new Value(false)));
  }

  /** {@link #DISTINCT_USERS} contexts, {@code user-0} to {@code user-9999}. */
  public static EvaluationContext[] distinctUsers() {
    EvaluationContext[] users = new EvaluationContext[DISTINCT_USERS];
    for (int i = 0; i < users.length; i++) {
      users[i] = user("user-" + i);
    }
    return users;
  }
}
