package dev.flagrelay.it.conformance.glue;

import dev.flagrelay.EvaluationMode;
import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.it.conformance.backend.RelayBackend;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.FlagEvaluationOptions;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What one scenario has set up and observed, shared by its step classes (one instance per
 * scenario, injected by PicoContainer): the backend, an isolated OpenFeature API with a fresh
 * provider, the flag under test, the context, the last evaluation and the events received.
 *
 * <p>Written by the scenario thread; only {@link #events} is written by SDK event threads.
 */
public final class ConformanceWorld {
  private final Map<ProviderEvent, List<EventDetails>> events = new ConcurrentHashMap<>();
  private final List<GoFeatureFlagProvider> providers = new ArrayList<>();
  private RelayBackend backend;
  private EvaluationMode evaluationMode = EvaluationMode.REMOTE;
  private Set<String> tags = Set.of();
  private OpenFeatureAPI api;
  private GoFeatureFlagProvider provider;
  private Client client;

  FlagKind flagType;
  String flagKey;
  Object defaultValue;
  /** Null until a step adds to it: the evaluation then passes an empty invocation context. */
  MutableContext context;
  FlagEvaluationOptions options;
  FlagEvaluationDetails<?> details;
  RuntimeException thrown;
  Object remembered;

  /** Called by the suite's backend hook before every scenario. */
  public void useBackend(RelayBackend backend) {
    this.backend = backend;
  }

  /** Called by a backend hook that runs the suite against the in-process mode. */
  public void useEvaluationMode(EvaluationMode mode) {
    this.evaluationMode = mode;
  }

  EvaluationMode evaluationMode() {
    return evaluationMode;
  }

  RelayBackend backend() {
    if (backend == null) {
      throw new IllegalStateException("no backend: the suite's glue must include a backend hook package");
    }
    return backend;
  }

  void tags(Collection<String> scenarioTags) {
    this.tags = Set.copyOf(scenarioTags);
  }

  boolean hasTag(String tag) {
    return tags.contains(tag);
  }

  /**
   * The scenario's isolated API, created on first use, for {@code newProvider} to be set on. A
   * scenario may set a second provider (the spec's Background sets a stable one first). SDK 1.22
   * shuts a replaced provider down only once its successor initialized successfully, never when
   * the successor's initialization fails or is still running: {@link #shutdown()} therefore shuts
   * every provider of the scenario down itself.
   */
  OpenFeatureAPI register(GoFeatureFlagProvider newProvider) {
    if (api == null) {
      api = OpenFeatureAPI.createIsolated();
      client = api.getClient();
    }
    provider = newProvider;
    providers.add(newProvider);
    return api;
  }

  OpenFeatureAPI api() {
    if (api == null) {
      throw new IllegalStateException("no provider registered yet");
    }
    return api;
  }

  GoFeatureFlagProvider provider() {
    return provider;
  }

  /** The one client of the scenario ({@code getClient()} makes a new one on every call). */
  Client client() {
    api();
    return client;
  }

  /** The context an evaluation passes: the one the steps built, else an empty one. */
  EvaluationContext invocationContext() {
    return context != null ? context : new ImmutableContext();
  }

  MutableContext contextToAddTo() {
    if (context == null) {
      context = new MutableContext();
    }
    return context;
  }

  FlagEvaluationOptions evaluationOptions() {
    return options != null ? options : FlagEvaluationOptions.builder().build();
  }

  /** Evaluates the flag under test with details; an exception is recorded, never thrown. */
  void evaluate() {
    if (flagType == null) {
      throw new IllegalStateException("no flag under test: a 'Given a <type>-flag ...' step must come first");
    }
    details = null;
    thrown = null;
    try {
      details = resolve();
    } catch (RuntimeException e) {
      thrown = e;
    }
  }

  /** Evaluates the flag under test with details, on the calling thread. */
  FlagEvaluationDetails<?> resolve() {
    return flagType.evaluate(client(), flagKey, defaultValue, invocationContext(), evaluationOptions());
  }

  FlagEvaluationDetails<?> details() {
    if (details == null) {
      throw new AssertionError("the flag was not evaluated, or the evaluation threw", thrown);
    }
    return details;
  }

  void record(ProviderEvent event, EventDetails eventDetails) {
    events.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(eventDetails);
  }

  List<EventDetails> received(ProviderEvent event) {
    return events.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>());
  }

  void forget(ProviderEvent event) {
    received(event).clear();
  }

  /** Shuts the API down, then every provider the scenario created (shutdown is idempotent). */
  void shutdown() {
    if (api != null) {
      api.shutdown();
    }
    providers.forEach(GoFeatureFlagProvider::shutdown);
  }
}
