package dev.flagrelay.engine.internal.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flagrelay.engine.FlagConfigurationException;
import dev.flagrelay.engine.internal.eval.CompiledFlag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the relay's {@code /v1/flag/configuration} body and compiles every flag it can. Nesting
 * and number limits are raised in the JSON reader so that a hostile flag fails alone, with a
 * per-flag reason, instead of failing the whole body.
 */
public final class ConfigurationReader {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(100_000)
                          .maxNumberLength(100_000)
                          .build())
                  .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                  .build())
          .build();

  private ConfigurationReader() {}

  public static CompiledConfiguration read(byte[] body) {
    try {
      return compile(MAPPER.readTree(body));
    } catch (JsonProcessingException e) {
      throw unreadable(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static CompiledConfiguration read(String body) {
    try {
      return compile(MAPPER.readTree(body));
    } catch (JsonProcessingException e) {
      throw unreadable(e);
    }
  }

  public static CompiledConfiguration read(InputStream body) throws IOException {
    try {
      return compile(MAPPER.readTree(body));
    } catch (JsonProcessingException e) {
      throw unreadable(e);
    }
  }

  private static FlagConfigurationException unreadable(JsonProcessingException e) {
    return new FlagConfigurationException(
        "flag configuration is not valid JSON: " + e.getOriginalMessage(), e);
  }

  private static CompiledConfiguration compile(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new FlagConfigurationException(
          "flag configuration must be a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
    }
    JsonNode flags = root.path("flags");
    if (!flags.isMissingNode() && !flags.isNull() && !flags.isObject()) {
      throw new FlagConfigurationException("\"flags\" must be an object, got " + flags.getNodeType());
    }
    Map<String, CompiledFlag> compiled = new LinkedHashMap<>();
    Map<String, String> unsupported = new LinkedHashMap<>();
    Map<String, JsonNode> definitions = new LinkedHashMap<>();
    FlagCompiler compiler = new FlagCompiler();
    for (Iterator<Map.Entry<String, JsonNode>> it = flags.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> flag = it.next();
      definitions.put(flag.getKey(), flag.getValue());
      try {
        compiled.put(flag.getKey(), compiler.compile(flag.getKey(), flag.getValue()));
      } catch (InvalidFlagException e) {
        unsupported.put(flag.getKey(), e.getMessage());
      } catch (RuntimeException | StackOverflowError e) {
        unsupported.put(flag.getKey(), "cannot be compiled: " + e);
      }
    }
    return new CompiledConfiguration(
        Collections.unmodifiableMap(compiled),
        Collections.unmodifiableMap(unsupported),
        enrichment(root.path("evaluationContextEnrichment")),
        Collections.unmodifiableMap(definitions));
  }

  private static Map<String, Object> enrichment(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new FlagConfigurationException(
          "\"evaluationContextEnrichment\" must be an object, got " + node.getNodeType());
    }
    try {
      JsonValues.checkLimits(node);
    } catch (InvalidFlagException e) {
      throw new FlagConfigurationException("\"evaluationContextEnrichment\": " + e.getMessage());
    }
    return JsonValues.map(node);
  }
}
