package dev.flagrelay.engine.internal.config;

import dev.flagrelay.engine.internal.eval.CompiledFlag;
import java.util.Map;

/**
 * A compiled configuration body.
 *
 * @param flags the flags evaluable locally, by key
 * @param unsupported the flags that are not, by key, with the reason
 * @param enrichment the {@code evaluationContextEnrichment}, empty when absent
 */
public record CompiledConfiguration(
    Map<String, CompiledFlag> flags, Map<String, String> unsupported, Map<String, Object> enrichment) {}
