package dev.flagrelay.internal.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.CacheHitEvent;
import dev.flagrelay.internal.relay.ServedAnswer;
import dev.flagrelay.internal.relay.CollectorEvent;
import dev.flagrelay.internal.relay.FlagChangeEvent;
import dev.flagrelay.internal.relay.FeatureEvent;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.InProcessEvent;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayDecodeException;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.TrackingEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.io.OutputStream;
import java.io.StringWriter;
import java.util.IdentityHashMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes requests and decodes answers of the relay's JSON API. Thread-safe and stateless but for
 * the exporter metadata it was built with.
 */
public final class JsonCodec {
  private static final Logger logger = LoggerFactory.getLogger(JsonCodec.class);
  /** The context key GO Feature Flag reserves for its own inputs. */
  public static final String RESERVED_CONTEXT_KEY = "gofeatureflag";

  private static final String EXPORTER_METADATA_KEY = "exporterMetadata";

  private final ObjectMapper mapper = new ObjectMapper();
  private final JsonFactory factory = mapper.getFactory();
  private final Map<String, Object> exporterMetadata;

  /**
   * @param exporterMetadata the full {@code meta}: {@code provider}, {@code openfeature} and the
   *     application's entries, scalars only
   */
  public JsonCodec(Map<String, Object> exporterMetadata) {
    this.exporterMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(exporterMetadata));
  }

  /**
   * The body of an OFREP evaluation: {@code {"context": {...}}}, with the exporter metadata set
   * under {@code gofeatureflag.exporterMetadata} and every other key of {@code gofeatureflag} kept.
   */
  public byte[] evaluationRequest(ContextSnapshot context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.writeStartObject();
      json.writeFieldName("context");
      json.writeStartObject();
      Map<String, Object> attributes = context.attributes();
      for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
        if (!attribute.getKey().equals(RESERVED_CONTEXT_KEY)) {
          json.writeFieldName(attribute.getKey());
          writeValue(json, attribute.getValue());
        }
      }
      json.writeFieldName(RESERVED_CONTEXT_KEY);
      writeReservedKey(json, attributes.get(RESERVED_CONTEXT_KEY));
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // A ByteArrayOutputStream never fails.
    }
    return out.toByteArray();
  }

  /** The body of {@code POST /v1/flag/configuration}: {@code {}} for every flag, else {@code {"flags":[...]}}. */
  public byte[] configurationRequest(List<String> flags) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + flags.size() * 24);
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.writeStartObject();
      if (!flags.isEmpty()) {
        json.writeArrayFieldStart("flags");
        for (String flag : flags) {
          json.writeString(flag);
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // A ByteArrayOutputStream never fails.
    }
    return out.toByteArray();
  }

  private void writeReservedKey(JsonGenerator json, Object callerValue) throws IOException {
    json.writeStartObject();
    if (callerValue instanceof Map) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) callerValue).entrySet()) {
        if (!EXPORTER_METADATA_KEY.equals(entry.getKey())) {
          json.writeFieldName(String.valueOf(entry.getKey()));
          writeValue(json, entry.getValue());
        }
      }
    }
    json.writeFieldName(EXPORTER_METADATA_KEY);
    writeValue(json, exporterMetadata);
    json.writeEndObject();
  }

  /** The collector envelope: {@code {"meta": {...}, "events": [...]}}. */
  public byte[] collectorEnvelope(Collection<? extends CollectorEvent> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + events.size() * 192);
    writeCollectorEnvelope(events, out);
    return out.toByteArray();
  }

  /**
   * Writes the collector envelope to {@code out} (which a sender may reuse between batches).
   * Cache hits on the same cached answer ({@link ServedAnswer}) are encoded once per envelope and
   * copied for each hit, with the hit's own creation date.
   */
  public void writeCollectorEnvelope(Collection<? extends CollectorEvent> events, OutputStream out) {
    Map<ServedAnswer, SerializedString> encodedHits = new IdentityHashMap<>();
    Map<FeatureEvent, SerializedString> encodedAnswers = new IdentityHashMap<>();
    long second = Long.MIN_VALUE;
    SerializedString secondText = null; // Most hits of a batch share a handful of seconds.
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.writeStartObject();
      json.writeFieldName("meta");
      writeValue(json, exporterMetadata);
      json.writeArrayFieldStart("events");
      for (CollectorEvent event : events) {
        if (event instanceof CacheHitEvent hit) {
          SerializedString head = encodedHits.get(hit.served());
          if (head == null) {
            head = new SerializedString(encodeWithoutCreationDate(hit.served().event(0)));
            encodedHits.put(hit.served(), head);
          }
          if (hit.creationDate() != second) {
            second = hit.creationDate();
            secondText = new SerializedString(second + "}");
          }
          // Both are copied as UTF-8 bytes kept by the SerializedString: no per-hit encoding.
          json.writeRawValue(head);
          json.writeRaw(secondText);
        } else if (event instanceof InProcessEvent local) {
          SerializedString answer = encodedAnswers.get(local.answer());
          if (answer == null) {
            answer = new SerializedString(encodeAnswerFields(local.answer()));
            encodedAnswers.put(local.answer(), answer);
          }
          writeInProcessEvent(json, local, answer);
        } else {
          writeEvent(json, event);
        }
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code event} as a JSON object up to its {@code "creationDate":} field, which comes last and
   * is left for each hit to complete (with the number and the closing brace).
   */
  private String encodeWithoutCreationDate(FeatureEvent event) {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator json = factory.createGenerator(text)) {
      json.writeStartObject();
      writeFeatureFields(json, event);
      json.writeNumberField("creationDate", 0);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String whole = text.toString();
    String tail = "0}";
    if (!whole.endsWith(tail)) {
      throw new IllegalStateException("unexpected feature event encoding: " + whole);
    }
    return whole.substring(0, whole.length() - tail.length());
  }

  /**
   * An in-process evaluation, field for field as its {@link InProcessEvent#toFeatureEvent}: who,
   * written per event; the answer's fields, copied as encoded once for the batch; then when.
   */
  private static void writeInProcessEvent(JsonGenerator json, InProcessEvent event, SerializedString answer)
      throws IOException {
    json.writeStartObject();
    writeWhoFields(json, event.contextKind(), event.userKey());
    json.writeRaw(answer); // From the comma before "key" to the colon after "creationDate".
    json.writeRaw(Long.toString(event.creationDate()));
    json.writeEndObject();
  }

  /**
   * The fields of {@code event} from {@code "key"} to {@code "source"}, then {@code
   * "creationDate":}, as raw JSON that continues an object whose last field was written already.
   */
  private String encodeAnswerFields(FeatureEvent event) {
    // Through the same UTF-8 generator as a whole event, so that the bytes are the same (it writes
    // a character outside the BMP as an escaped surrogate pair, a Writer-based one as is).
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(192);
    try (JsonGenerator json = factory.createGenerator(bytes, JsonEncoding.UTF8)) {
      json.writeStartObject();
      writeAnswerFields(json, event);
      json.writeNumberField("creationDate", 0);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String whole = bytes.toString(StandardCharsets.UTF_8);
    String tail = "0}";
    if (!whole.startsWith("{") || !whole.endsWith(tail)) {
      throw new IllegalStateException("unexpected feature event encoding: " + whole);
    }
    return "," + whole.substring(1, whole.length() - tail.length());
  }

  private static void writeEvent(JsonGenerator json, CollectorEvent event) throws IOException {
    json.writeStartObject();
    if (event instanceof FeatureEvent feature) {
      writeFeatureFields(json, feature);
      json.writeNumberField("creationDate", feature.creationDate());
    } else if (event instanceof TrackingEvent tracking) {
      json.writeStringField("kind", "tracking");
      json.writeStringField("contextKind", tracking.contextKind());
      json.writeStringField("userKey", tracking.userKey());
      json.writeNumberField("creationDate", tracking.creationDate());
      json.writeStringField("key", tracking.key());
      json.writeFieldName("evaluationContext");
      writeValue(json, tracking.evaluationContext());
      json.writeFieldName("trackingEventDetails");
      writeValue(json, tracking.details());
    }
    json.writeEndObject();
  }

  /** Every field of a feature event but its creation date. */
  private static void writeFeatureFields(JsonGenerator json, FeatureEvent feature) throws IOException {
    writeWhoFields(json, feature.contextKind(), feature.userKey());
    writeAnswerFields(json, feature);
  }

  private static void writeWhoFields(JsonGenerator json, String contextKind, String userKey) throws IOException {
    json.writeStringField("kind", "feature");
    json.writeStringField("contextKind", contextKind);
    json.writeStringField("userKey", userKey);
  }

  /** A feature event's fields from {@code key} to {@code source}. */
  private static void writeAnswerFields(JsonGenerator json, FeatureEvent feature) throws IOException {
    json.writeStringField("key", feature.key());
    json.writeStringField("variation", feature.variation());
    json.writeFieldName("value");
    writeValue(json, feature.value());
    json.writeBooleanField("default", feature.failed());
    json.writeStringField("version", feature.version());
    json.writeStringField("source", feature.source());
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof String string) {
      json.writeString(string);
    } else if (value instanceof Boolean bool) {
      json.writeBoolean(bool);
    } else if (value instanceof Integer number) {
      json.writeNumber(number);
    } else if (value instanceof Long number) {
      json.writeNumber(number);
    } else if (value instanceof Double number) {
      json.writeNumber(number);
    } else if (value instanceof BigInteger number) {
      json.writeNumber(number);
    } else if (value instanceof Number number) {
      json.writeNumber(number.doubleValue());
    } else if (value instanceof Instant instant) {
      json.writeString(instant.toString());
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        json.writeFieldName(String.valueOf(entry.getKey()));
        writeValue(json, entry.getValue());
      }
      json.writeEndObject();
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object item : list) {
        writeValue(json, item);
      }
      json.writeEndArray();
    } else {
      json.writeString(value.toString());
    }
  }

  /** Reads a 200 answer of the single-flag OFREP endpoint. */
  public RelayAnswer readEvaluation(byte[] body) throws RelayException {
    try (JsonParser json = factory.createParser(body)) {
      return readEvaluation(json);
    } catch (IOException e) {
      throw undecodable("evaluation", e);
    }
  }

  /**
   * Reads a 200 answer of the single-flag OFREP endpoint from {@code body}, token by token, with
   * no tree in between. The caller bounds the stream (the client buffers at most 10 MiB first).
   */
  public RelayAnswer readEvaluation(InputStream body) throws RelayException {
    try (JsonParser json = factory.createParser(body)) {
      return readEvaluation(json);
    } catch (IOException e) {
      throw undecodable("evaluation", e);
    }
  }

  /**
   * The fields of the answer object as {@link #readObject} and a tree would give them: the last
   * of a repeated field wins, other fields are skipped (still checked to be JSON), anything after
   * the object is not read.
   */
  private RelayAnswer readEvaluation(JsonParser json) throws IOException, RelayException {
    JsonToken root = json.nextToken();
    if (root != JsonToken.START_OBJECT) {
      if (root != null) {
        mapper.readTree(json); // A malformed root value is "not valid JSON", as the tree said.
      }
      throw new RelayDecodeException("evaluation: body is not a JSON object", null);
    }
    Object value = null;
    String variant = null;
    String reason = null;
    Map<String, Object> metadata = Map.of();
    String errorCode = null;
    String errorDetails = null;
    for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
      JsonToken token = json.nextToken();
      switch (field) {
        case "value" -> value = readValue(json, token);
        case "variant" -> variant = readText(json, token);
        case "reason" -> reason = readText(json, token);
        case "metadata" -> metadata = readMetadata(json, token);
        case "errorCode" -> errorCode = readText(json, token);
        case "errorDetails" -> errorDetails = readText(json, token);
        default -> json.skipChildren();
      }
    }
    if (errorCode != null && !errorCode.isEmpty()) {
      // OFREP's failure shape under a 200 (v1.55 sends a 400 or 404 instead): an error, never a
      // value or an answer to cache.
      throw new RelayHttpException(200, errorCode, errorDetails);
    }
    return new RelayAnswer(value, variant, reason, metadata);
  }

  private static RelayDecodeException undecodable(String what, IOException e) {
    if (e instanceof JsonProcessingException json) {
      return new RelayDecodeException(what + ": body is not valid JSON (" + json.getOriginalMessage() + ")", e);
    }
    return new RelayDecodeException(what + ": body could not be read: " + e.getMessage(), e);
  }

  /** A field's text as {@code JsonNode.asText()} gave it: null for null, empty for a container. */
  private static String readText(JsonParser json, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_NULL:
        return null;
      case VALUE_STRING:
        return json.getText();
      case VALUE_TRUE:
      case VALUE_FALSE:
        return token.asString();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return String.valueOf(readNumber(json)); // The value's text, not the relay's spelling.
      default:
        json.skipChildren();
        return "";
    }
  }

  /** Only scalars are kept, and no {@link BigInteger}; an empty object gives an empty map. */
  private static Map<String, Object> readMetadata(JsonParser json, JsonToken token) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      json.skipChildren();
      return Map.of();
    }
    Map<String, Object> scalars = new HashMap<>();
    for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
      JsonToken entry = json.nextToken();
      Object value = entry.isScalarValue() ? readValue(json, entry) : null;
      if (value == null || value instanceof BigInteger) {
        logger.debug("flag metadata '{}' dropped: {} cannot be represented", name, entry);
        json.skipChildren();
        scalars.remove(name); // A repeated name: the last one wins, even when it is dropped.
      } else {
        scalars.put(name, value);
      }
    }
    return scalars;
  }

  /** The JSON value starting at {@code token} as an immutable Java tree. */
  private static Object readValue(JsonParser json, JsonToken token) throws IOException {
    switch (token) {
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_STRING:
        return json.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return readNumber(json);
      case START_ARRAY:
        List<Object> list = new ArrayList<>();
        for (JsonToken item = json.nextToken(); item != JsonToken.END_ARRAY; item = json.nextToken()) {
          list.add(readValue(json, item));
        }
        return Collections.unmodifiableList(list);
      case START_OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
          map.put(name, readValue(json, json.nextToken()));
        }
        return Collections.unmodifiableMap(map);
      default:
        return null;
    }
  }

  /** As the tree had it: an int, a long, a {@link BigInteger}, else a double. */
  private static Object readNumber(JsonParser json) throws IOException {
    switch (json.getNumberType()) {
      case INT:
        return json.getIntValue();
      case LONG:
        return json.getLongValue();
      case BIG_INTEGER:
        return json.getBigIntegerValue();
      default:
        return json.getDoubleValue();
    }
  }

  /**
   * Reads the {@code errorCode} and details of an error body, tolerating any shape: both are
   * null when the body is not JSON or has neither {@code errorDetails} nor {@code message}.
   */
  public ErrorBody readError(byte[] body) {
    try {
      JsonNode root = mapper.readTree(body);
      if (root == null || !root.isObject()) {
        return ErrorBody.NONE;
      }
      String details = text(root, "errorDetails");
      return new ErrorBody(text(root, "errorCode"), details != null ? details : text(root, "message"));
    } catch (IOException e) {
      return ErrorBody.NONE;
    }
  }

  /**
   * Reads a 200 answer of {@code GET /v1/flag/change}: {@code {"hash", "flags"}}, or only {@code
   * {"hash"}} from relays before v1.37.0.
   */
  public FlagChanges readFlagChanges(byte[] body, String etag) throws RelayDecodeException {
    JsonNode root = readObject(body, "flag change");
    long hash = root.path("hash").asLong();
    JsonNode flags = root.get("flags");
    if (flags == null || flags.isNull()) {
      return FlagChanges.hashOnly(etag, hash);
    }
    if (!flags.isObject()) {
      throw new RelayDecodeException("flag change: 'flags' is not an object", null);
    }
    Map<String, Long> hashes = new HashMap<>();
    for (Map.Entry<String, JsonNode> flag : flags.properties()) {
      hashes.put(flag.getKey(), flag.getValue().asLong());
    }
    return FlagChanges.of(etag, hash, hashes);
  }

  /** The parts of a flag-change stream event that name flags. */
  private static final List<String> CHANGE_SECTIONS = List.of("added", "deleted", "updated");

  /**
   * Reads the data of one flag-change stream event, {@code {"deleted":{key:flag},
   * "added":{key:flag}, "updated":{key:{"old_value","new_value"}}}}: the flag keys it names,
   * sorted. A missing or null section names none; anything else that is not an object is refused.
   */
  public FlagChangeEvent readFlagChangeEvent(byte[] data) throws RelayDecodeException {
    JsonNode root = readObject(data, "flag-change event");
    TreeSet<String> keys = new TreeSet<>();
    for (String section : CHANGE_SECTIONS) {
      JsonNode flags = root.get(section);
      if (flags == null || flags.isNull()) {
        continue;
      }
      if (!flags.isObject()) {
        throw new RelayDecodeException("flag-change event: '" + section + "' is not an object", null);
      }
      flags.properties().forEach(flag -> keys.add(flag.getKey()));
    }
    return new FlagChangeEvent(List.copyOf(keys));
  }

  private JsonNode readObject(byte[] body, String what) throws RelayDecodeException {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (IOException e) {
      throw undecodable(what, e);
    }
    if (root == null || !root.isObject()) {
      throw new RelayDecodeException(what + ": body is not a JSON object", null);
    }
    return root;
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || node.isNull() ? null : node.asText();
  }

  /** The error fields of a non-success body; either may be null. */
  public record ErrorBody(String errorCode, String details) {
    public static final ErrorBody NONE = new ErrorBody(null, null);
  }
}
