package dev.flagrelay.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.FlagChangeStream;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link RelayClient} that answers from scripts the test swaps at will and records every call.
 * Thread-safe: scripts are volatile, records are synchronized lists.
 */
public final class RecordingRelayClient implements RelayClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What {@link #evaluate} answers. */
  @FunctionalInterface
  public interface OnEvaluate {
    RelayAnswer evaluate(String flagKey, ContextSnapshot context) throws RelayException;
  }

  /** What {@link #flagChanges} answers. */
  @FunctionalInterface
  public interface OnFlagChanges {
    FlagChanges flagChanges(String etag) throws RelayException;
  }

  /** What {@link #flagConfiguration} answers. */
  @FunctionalInterface
  public interface OnFlagConfiguration {
    ConfigurationAnswer flagConfiguration(String etag, List<String> flags) throws RelayException;
  }

  /** What {@link #sendEvents} does; returning normally means the collector accepted the batch. */
  @FunctionalInterface
  public interface OnSendEvents {
    void sendEvents(byte[] envelope, Duration timeout) throws RelayException;
  }

  private volatile OnEvaluate onEvaluate =
      (flagKey, context) -> {
        throw new RelayHttpException(404, "FLAG_NOT_FOUND", "flag " + flagKey + " not found");
      };
  private volatile OnFlagChanges onFlagChanges = etag -> FlagChanges.of("\"0-base\"", Map.of());
  private volatile OnSendEvents onSendEvents = (envelope, timeout) -> {};
  /** A relay without the stream (404) unless a test gives it one. */
  private volatile Supplier<FlagChangeStream> onFlagChangeStream = () -> FlagChangeStream.NOT_FOUND;
  private volatile OnFlagConfiguration onFlagConfiguration =
      (etag, flags) -> {
        throw new RelayHttpException(404, null, "no configuration scripted");
      };
  private final List<String> configurationEtags = Collections.synchronizedList(new ArrayList<>());
  private final List<List<String>> configurationFlagLists = Collections.synchronizedList(new ArrayList<>());

  private final List<String> evaluatedFlags = Collections.synchronizedList(new ArrayList<>());
  private final List<ContextSnapshot> evaluatedContexts = Collections.synchronizedList(new ArrayList<>());
  private final List<String> flagChangeEtags = Collections.synchronizedList(new ArrayList<>());
  private final List<Duration> sendTimeouts = Collections.synchronizedList(new ArrayList<>());
  private final List<byte[]> delivered = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger sendAttempts = new AtomicInteger();
  private final AtomicInteger closeCalls = new AtomicInteger();

  public RecordingRelayClient onEvaluate(OnEvaluate script) {
    this.onEvaluate = script;
    return this;
  }

  public RecordingRelayClient onFlagChanges(OnFlagChanges script) {
    this.onFlagChanges = script;
    return this;
  }

  public RecordingRelayClient onFlagChangeStream(Supplier<FlagChangeStream> script) {
    this.onFlagChangeStream = script;
    return this;
  }

  public RecordingRelayClient onFlagConfiguration(OnFlagConfiguration script) {
    this.onFlagConfiguration = script;
    return this;
  }

  @Override
  public FlagChangeStream flagChangeStream() {
    return onFlagChangeStream.get();
  }

  @Override
  public ConfigurationAnswer flagConfiguration(String etag, List<String> flags) throws RelayException {
    configurationEtags.add(etag);
    configurationFlagLists.add(flags);
    return onFlagConfiguration.flagConfiguration(etag, flags);
  }

  /** The ETag sent with every configuration fetch, null for none, in order. */
  public List<String> configurationEtags() {
    synchronized (configurationEtags) {
      return new ArrayList<>(configurationEtags);
    }
  }

  /** The flag list sent with every configuration fetch, in order. */
  public List<List<String>> configurationFlagLists() {
    synchronized (configurationFlagLists) {
      return List.copyOf(configurationFlagLists);
    }
  }

  public int configurationCalls() {
    return configurationEtags.size();
  }

  public RecordingRelayClient onSendEvents(OnSendEvents script) {
    this.onSendEvents = script;
    return this;
  }

  @Override
  public RelayAnswer evaluate(String flagKey, ContextSnapshot context) throws RelayException {
    evaluatedFlags.add(flagKey);
    evaluatedContexts.add(context);
    return onEvaluate.evaluate(flagKey, context);
  }

  @Override
  public FlagChanges flagChanges(String etag) throws RelayException {
    flagChangeEtags.add(etag);
    return onFlagChanges.flagChanges(etag);
  }

  @Override
  public void sendEvents(byte[] envelope, Duration timeout) throws RelayException {
    sendAttempts.incrementAndGet();
    sendTimeouts.add(timeout);
    onSendEvents.sendEvents(envelope, timeout);
    delivered.add(envelope.clone());
  }

  @Override
  public void close() {
    closeCalls.incrementAndGet();
  }

  /** Flag keys of every evaluation asked for, in order. */
  public List<String> evaluatedFlags() {
    synchronized (evaluatedFlags) {
      return List.copyOf(evaluatedFlags);
    }
  }

  public List<ContextSnapshot> evaluatedContexts() {
    synchronized (evaluatedContexts) {
      return List.copyOf(evaluatedContexts);
    }
  }

  /** The ETag of every flag-change call, null for none, in order. */
  public List<String> flagChangeEtags() {
    synchronized (flagChangeEtags) {
      return new ArrayList<>(flagChangeEtags);
    }
  }

  public int flagChangeCalls() {
    return flagChangeEtags.size();
  }

  public int sendAttempts() {
    return sendAttempts.get();
  }

  public List<Duration> sendTimeouts() {
    synchronized (sendTimeouts) {
      return List.copyOf(sendTimeouts);
    }
  }

  public int closeCalls() {
    return closeCalls.get();
  }

  /** The envelopes the fake accepted, decoded, in order. */
  public List<JsonNode> deliveredEnvelopes() {
    List<byte[]> copy;
    synchronized (delivered) {
      copy = List.copyOf(delivered);
    }
    List<JsonNode> envelopes = new ArrayList<>(copy.size());
    for (byte[] envelope : copy) {
      envelopes.add(parse(envelope));
    }
    return envelopes;
  }

  /** Every event of every accepted envelope, in the order they were accepted. */
  public List<JsonNode> deliveredEvents() {
    List<JsonNode> events = new ArrayList<>();
    for (JsonNode envelope : deliveredEnvelopes()) {
      envelope.get("events").forEach(events::add);
    }
    return events;
  }

  /** The {@code key} of every delivered event, in order. */
  public List<String> deliveredEventKeys() {
    List<String> keys = new ArrayList<>();
    for (JsonNode event : deliveredEvents()) {
      keys.add(event.get("key").asText());
    }
    return keys;
  }

  public static JsonNode parse(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
