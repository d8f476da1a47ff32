package dev.flagrelay.engine.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagrelay.engine.internal.eval.CompiledFlag;
import java.util.Map;

/**
 * A compiled configuration body.
 *
 * @param flags the flags evaluable locally, by key
 * @param unsupported the flags that are not, by key, with the reason
 * @param enrichment the {@code evaluationContextEnrichment}, empty when absent
 * @param definitions every flag's JSON as received (evaluable or not), by key: what tells
 *     whether a flag's definition changed between two configurations; never written to
 */
public record CompiledConfiguration(
    Map<String, CompiledFlag> flags,
    Map<String, String> unsupported,
    Map<String, Object> enrichment,
    Map<String, JsonNode> definitions) {

  /** A configuration whose flags' definitions are not kept. */
  public CompiledConfiguration(
      Map<String, CompiledFlag> flags, Map<String, String> unsupported, Map<String, Object> enrichment) {
    this(flags, unsupported, enrichment, Map.of());
  }
}
