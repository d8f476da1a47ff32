package dev.flagrelay.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the vector files and compares an engine answer with a vector's {@code expected}. */
final class Vectors {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Used when a case does not pin the date with {@code gofeatureflag.currentDateTime}. */
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  private static final Comparator<JsonNode> NUMERIC =
      (a, b) -> a.isNumber() && b.isNumber() ? Double.compare(a.doubleValue(), b.doubleValue()) : (a.equals(b) ? 0 : 1);

  private Vectors() {}

  static JsonNode load(String name) {
    try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A configuration holding one flag, with the enrichment of a vector's {@code flagContext}. */
  static FlagConfiguration configuration(String flagKey, JsonNode flag, JsonNode flagContext) {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("flags").set(flagKey, flag);
    JsonNode enrichment = flagContext.path("evaluationContextEnrichment");
    if (!enrichment.isMissingNode()) {
      body.set("evaluationContextEnrichment", enrichment);
    }
    return FlagConfiguration.parse(body.toString());
  }

  /** An engine context from a vector's {@code evalContext} (its {@code targetingKey} taken out). */
  static EvaluationContext context(JsonNode evalContext) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    evalContext.fields().forEachRemaining(f -> attributes.put(f.getKey(), JSON.convertValue(f.getValue(), Object.class)));
    Object key = attributes.remove("targetingKey");
    return EvaluationContext.of(key instanceof String s ? s : null, attributes);
  }

  static Object defaultValue(JsonNode flagContext) {
    return JSON.convertValue(flagContext.path("defaultSdkValue"), Object.class);
  }

  /** Asserts every field {@code expected} states. */
  static void assertMatches(EvaluationResult actual, JsonNode expected) {
    String description = "engine answer " + actual;
    assertThat(sameJson(JSON.valueToTree(actual.value()), expected.path("value")))
        .as(description + " value, expected " + expected.path("value"))
        .isTrue();
    assertThat(actual.variant()).as(description).isEqualTo(expected.path("variationType").asText());
    assertThat(actual.reason().name()).as(description).isEqualTo(expected.path("reason").asText());
    assertThat(actual.errorCode() == null ? "" : actual.errorCode().name())
        .as(description)
        .isEqualTo(expected.path("errorCode").asText());
    if (expected.has("errorDetails")) {
      assertThat(actual.errorMessage()).as(description).isEqualTo(expected.get("errorDetails").asText());
    }
    assertThat(actual.cacheable()).as(description).isEqualTo(expected.path("cacheable").asBoolean());
    if (expected.has("trackEvents")) {
      assertThat(actual.trackEvents()).as(description).isEqualTo(expected.get("trackEvents").asBoolean());
    }
    if (expected.has("version")) {
      assertThat(actual.version() == null ? "" : actual.version())
          .as(description)
          .isEqualTo(expected.get("version").asText());
    }
    if (expected.has("failed")) {
      assertThat(actual.failed()).as(description).isEqualTo(expected.get("failed").asBoolean());
    }
    if (expected.has("trackEvents")) {
      JsonNode metadata = expected.has("metadata") ? expected.get("metadata") : JSON.createObjectNode();
      assertThat(sameJson(JSON.valueToTree(actual.metadata()), metadata))
          .as(description + " metadata, expected " + metadata)
          .isTrue();
    }
  }

  static boolean sameJson(JsonNode a, JsonNode b) {
    return a.equals(NUMERIC, b);
  }
}
