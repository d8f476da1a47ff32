package dev.flagrelay.benchmarks;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.ServedAnswer;
import java.util.Map;

/** A cached answer as the collector benchmarks hand it to {@code CacheHitEvent}: the stub's answer for user-1. */
record BenchServedAnswer(String flagKey, ContextSnapshot context, RelayAnswer answer) implements ServedAnswer {
  static BenchServedAnswer userOne() {
    return new BenchServedAnswer(
        "bench-flag",
        ContextSnapshot.ofAttributes(Map.of("targetingKey", "user-1")),
        new RelayAnswer(true, "on", "TARGETING_MATCH", Map.of("gofeatureflag_cacheable", true)));
  }
}
