package dev.flagrelay.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * The engine pin (GOFF-ENG-002/003), as read from {@code goff-engine.properties} in this jar: the
 * GO Feature Flag engine this engine re-implements, the specification targeted, and the relay the
 * differential tests compare it with. That resource is the one place these versions are recorded.
 *
 * @param spec the GO Feature Flag provider specification targeted, {@code version@commit}
 * @param reference the reference engine build, e.g. {@code modules/core v0.7.2}
 * @param wasmEquivalent the WebAssembly evaluator version holding the same engine
 * @param queryLanguage the rules (nikunjy) query-language module the reference uses
 * @param jsonLogic the JSONLogic module the reference uses
 * @param implementation this engine and its version
 * @param relayBaseline the relay proxy version of the differential tests, e.g. {@code v1.55.2}
 */
public record EngineVersion(
    String spec,
    String reference,
    String wasmEquivalent,
    String queryLanguage,
    String jsonLogic,
    String implementation,
    String relayBaseline) {
  /** The resource, next to this class. */
  static final String RESOURCE = "goff-engine.properties";

  public EngineVersion {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(wasmEquivalent, "wasmEquivalent");
    Objects.requireNonNull(queryLanguage, "queryLanguage");
    Objects.requireNonNull(jsonLogic, "jsonLogic");
    Objects.requireNonNull(implementation, "implementation");
    Objects.requireNonNull(relayBaseline, "relayBaseline");
  }

  /**
   * The pin of this engine, read once.
   *
   * @throws IllegalStateException when the resource is missing or lacks a key (a broken build)
   */
  public static EngineVersion current() {
    return Holder.CURRENT;
  }

  /** One line for a log: implementation, reference, specification and relay baseline. */
  public String describe() {
    return implementation
        + " (re-implements GO Feature Flag "
        + reference
        + ", WASM "
        + wasmEquivalent
        + " equivalent; provider spec "
        + spec
        + "; checked against relay "
        + relayBaseline
        + ")";
  }

  static EngineVersion read(InputStream resource) throws IOException {
    Properties properties = new Properties();
    properties.load(resource);
    return new EngineVersion(
        required(properties, "goff.spec"),
        required(properties, "goff.engine.reference"),
        required(properties, "goff.engine.wasmEquivalent"),
        required(properties, "goff.engine.queryLanguage"),
        required(properties, "goff.engine.jsonLogic"),
        required(properties, "goff.engine.implementation"),
        required(properties, "goff.relay.differentialBaseline"));
  }

  private static String required(Properties properties, String key) {
    String value = properties.getProperty(key);
    if (value == null || value.isBlank() || value.contains("${")) {
      throw new IllegalStateException(RESOURCE + ": " + key + " is missing or unfiltered: " + value);
    }
    return value.strip();
  }

  private static final class Holder {
    static final EngineVersion CURRENT = load();

    private static EngineVersion load() {
      try (InputStream resource = EngineVersion.class.getResourceAsStream(RESOURCE)) {
        if (resource == null) {
          throw new IllegalStateException(RESOURCE + " is not on the class path next to " + EngineVersion.class.getName());
        }
        return read(resource);
      } catch (IOException e) {
        throw new UncheckedIOException(RESOURCE + " could not be read", e);
      }
    }
  }
}
