package dev.flagrelay;

import dev.flagrelay.engine.EngineVersion;
import dev.flagrelay.internal.cache.EvaluationCache;
import dev.flagrelay.internal.cache.SingleFlight;
import dev.flagrelay.internal.configuration.ConfigurationRefresher;
import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.evaluation.ErrorMapping;
import dev.flagrelay.internal.evaluation.Evaluator;
import dev.flagrelay.internal.evaluation.EventRecorder;
import dev.flagrelay.internal.evaluation.FlagType;
import dev.flagrelay.internal.evaluation.LocalEvaluator;
import dev.flagrelay.internal.evaluation.RemoteEvaluator;
import dev.flagrelay.internal.events.DataCollector;
import dev.flagrelay.internal.http.OkHttpRelayClient;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.polling.FlagChangePoller;
import dev.flagrelay.internal.relay.FeatureEvent;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.TrackingEvent;
import dev.flagrelay.internal.stats.ChangeDetectionStatus;
import dev.flagrelay.internal.stats.EvaluationCounters;
import dev.flagrelay.internal.stats.InstrumentedRelayClient;
import dev.flagrelay.internal.stats.LastError;
import dev.flagrelay.internal.stats.RelayCallStats;
import dev.flagrelay.internal.stream.FlagChangeStreamer;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.EventProvider;
import dev.openfeature.sdk.Hook;
import dev.openfeature.sdk.Metadata;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEventDetails;
import dev.openfeature.sdk.Reason;
import dev.openfeature.sdk.TrackingEventDetails;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FatalError;
import dev.openfeature.sdk.exceptions.GeneralError;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenFeature provider for GO Feature Flag: evaluates flags through the relay proxy (OFREP), keeps
 * a local cache of cacheable answers, follows flag changes, and reports cached evaluations and
 * tracking events to the relay's data collector. In {@link EvaluationMode#IN_PROCESS} it instead
 * evaluates every flag locally from the relay's flag configuration, refreshed in the background,
 * and reports those evaluations to the collector.
 *
 * <p>Thread-safe. Evaluations and {@link #track} never throw. After {@link #shutdown()} an
 * instance cannot be used again: create a new one.
 */
public class GoFeatureFlagProvider extends EventProvider {
  private static final Logger logger = LoggerFactory.getLogger(GoFeatureFlagProvider.class);
  /** The name in {@link #getMetadata()}, fixed. */
  public static final String NAME = "GO Feature Flag Provider";

  private static final Metadata METADATA = () -> NAME;
  /** Shutdown must fit the SDK's 3 s window: stream, poller, then collector flush, then the rest. */
  private static final Duration STREAM_STOP_BUDGET = Duration.ofMillis(250);
  private static final Duration POLLER_STOP_BUDGET = Duration.ofMillis(500);
  private static final Duration COLLECTOR_FLUSH_BUDGET = Duration.ofMillis(2000);

  private enum State {
    NEW,
    INITIALIZING,
    READY,
    STALE,
    /** Initialization failed but may heal: the poller keeps trying. */
    ERROR,
    /**
     * The relay refused the key on a poll after start-up: the SDK sees ERROR (not FATAL);
     * evaluations still go to the relay, and the next accepted poll makes the provider READY.
     */
    REFUSED,
    FATAL,
    CLOSED
  }

  private final GoFeatureFlagProviderOptions options;
  private final RelayClient relay;
  private final EvaluationCache cache;
  private final SingleFlight singleFlight;
  private final DataCollector collector;
  private final FlagChangePoller poller;
  /** Null in {@link EvaluationMode#REMOTE}. */
  private final ConfigurationRefresher refresher;
  /**
   * The flag-change stream, or null unless change detection is {@link FlagChangeDetection#STREAM}.
   * It signals the poller (remote mode: targeted invalidation) or the refresher (in-process mode:
   * an immediate refresh).
   */
  private final FlagChangeStreamer streamer;
  private final Evaluator evaluator;
  private final Clock clock = Clock.systemUTC();
  /** The lifecycle and since when; transitions are compare-and-set, so exactly one thread makes each. */
  private final AtomicReference<Lifecycle> state;
  private final EvaluationCounters counters = new EvaluationCounters();
  private final RelayCallStats relayCalls = new RelayCallStats();
  private final ChangeDetectionStatus changeStatus = new ChangeDetectionStatus(clock::millis);
  private final LastError lastError;

  /** A state and when it was entered (milliseconds since the epoch), published together. */
  private record Lifecycle(State state, long sinceMillis) {}

  public GoFeatureFlagProvider(GoFeatureFlagProviderOptions options) {
    this(options, null);
  }

  /** For tests: {@code relay} replaces the HTTP client when not null. */
  GoFeatureFlagProvider(GoFeatureFlagProviderOptions options, RelayClient relay) {
    this.options = Objects.requireNonNull(options, "options == null");
    JsonCodec codec = new JsonCodec(exporterMeta(options));
    this.state = new AtomicReference<>(new Lifecycle(State.NEW, clock.millis()));
    this.lastError = new LastError(options.apiKey(), options.headers().values(), clock::millis);
    RelayClient transport =
        relay != null
            ? relay
            : new OkHttpRelayClient(
                options.endpoint(),
                options.dataCollectorEndpoint(),
                options.apiKey(),
                options.headers(),
                options.timeout(),
                codec);
    this.relay = new InstrumentedRelayClient(transport, relayCalls, lastError, System::nanoTime);
    boolean inProcess = options.evaluationMode() == EvaluationMode.IN_PROCESS;
    this.cache =
        options.cacheEnabled() && !inProcess
            ? new EvaluationCache(
                options.cacheMaximumSize(), options.cacheTtl(), options.cacheStaleGracePeriod(), System::nanoTime)
            : null;
    this.singleFlight = cache == null ? null : new SingleFlight(cache, options.timeout().plusMillis(500));
    this.collector =
        options.dataCollectionDisabled()
            ? null
            : new DataCollector(
                this.relay, codec, options.maxPendingEvents(), options.dataFlushInterval(), options.timeout());
    // Built even with polling off: it is also how a failed initialization heals.
    this.poller =
        new FlagChangePoller(
            this.relay, cache, options.flagChangePollingInterval(), new PollerListener(), changeStatus);
    EventRecorder recorder = collector != null ? collector : EventRecorder.NONE;
    RemoteEvaluator remote = new RemoteEvaluator(this.relay, cache, singleFlight, recorder, clock, counters);
    this.refresher =
        inProcess
            ? new ConfigurationRefresher(
                this.relay,
                options.evaluationFlagList(),
                options.flagChangePollingInterval(),
                new RefresherListener(),
                changeStatus)
            : null;
    this.streamer =
        options.flagChangeDetection() == FlagChangeDetection.STREAM
            ? new FlagChangeStreamer(this.relay::flagChangeStream, refresher != null ? refresher : poller, changeStatus)
            : null;
    this.evaluator =
        inProcess
            // Fallbacks go to the relay uncached and unreported: the relay records them itself.
            ? new LocalEvaluator(
                refresher::current,
                new RemoteEvaluator(this.relay, null, null, EventRecorder.NONE, clock, counters),
                recorder,
                clock,
                counters)
            : remote;
  }

  private static Map<String, Object> exporterMeta(GoFeatureFlagProviderOptions options) {
    Map<String, Object> meta = new LinkedHashMap<>(options.exporterMetadata());
    meta.put("provider", "java");
    meta.put("openfeature", true);
    return meta;
  }

  @Override
  public Metadata getMetadata() {
    return METADATA;
  }

  /** None: exporter metadata and cache-hit events are handled without hooks (CONFORMANCE.md). */
  @Override
  @SuppressWarnings("rawtypes") // The SDK declares the raw List<Hook>.
  public List<Hook> getProviderHooks() {
    return List.of();
  }

  /**
   * Checks that the relay answers and accepts the API key, within the timeout. A refused key is a
   * {@link FatalError}; an unreachable relay, or an endpoint where nothing answers as a relay
   * does, a {@link GeneralError}, after which the provider keeps polling and becomes ready when
   * the relay answers.
   */
  @Override
  public void initialize(EvaluationContext evaluationContext) throws Exception {
    if (!transition(State.NEW, State.INITIALIZING)) {
      if (state.get().state() == State.CLOSED) {
        throw new GeneralError("this provider was shut down; create a new instance");
      }
      return; // Already initialised (or initialising): never start a second poller.
    }
    if (refresher != null) {
      initializeInProcess();
      return;
    }
    FlagChangePoller.Start start;
    try {
      start = poller.initialPoll();
    } catch (RelayException e) {
      throw failInitialization(e);
    }
    startBackgroundWork(start == FlagChangePoller.Start.POLLING);
    becomeReady();
  }

  /** READY after a good start, unless shutdown came first: then the caller is told, not left READY. */
  private void becomeReady() {
    if (!transition(State.INITIALIZING, State.READY) && state.get().state() == State.CLOSED) {
      throw new GeneralError("this provider was shut down while it was initialising; create a new instance");
    }
  }

  /** Moves to FATAL (refused key) or ERROR (healing in the background); returns what to throw. */
  private RuntimeException failInitialization(RelayException e) {
    if (e instanceof RelayHttpException http && http.unauthorized()) {
      transition(State.INITIALIZING, State.FATAL);
      return new FatalError("GO Feature Flag relay refused the API key (HTTP " + http.status() + ")");
    }
    transition(State.INITIALIZING, State.ERROR);
    if (collector != null) {
      collector.start();
    }
    if (changeDetectionOn()) {
      poller.start(); // The poller tells us when the relay answers again.
    } else {
      poller.startUntilFirstSuccess();
    }
    if (streamer != null) {
      streamer.start(); // Connecting (and its resync) also tells the poller when the relay is back.
    }
    return new GeneralError("GO Feature Flag relay not ready: " + ErrorMapping.message(e));
  }

  /**
   * Fetches the flag configuration within the timeout. A refused key is a {@link FatalError};
   * anything else (unreachable, 5xx, an unusable body) a {@link GeneralError}, after which the
   * refresher keeps trying and the first configuration makes the provider ready.
   */
  private void initializeInProcess() {
    logger.info("in-process evaluation with {}", EngineVersion.current().describe()); // GOFF-ENG-002/003
    try {
      refresher.initialFetch();
    } catch (RelayException e) {
      if (e instanceof RelayHttpException http && http.unauthorized()) {
        transition(State.INITIALIZING, State.FATAL);
        throw new FatalError("GO Feature Flag relay refused the API key (HTTP " + http.status() + ")");
      }
      transition(State.INITIALIZING, State.ERROR);
      startInProcessBackgroundWork();
      throw new GeneralError("GO Feature Flag relay has not served a flag configuration: " + ErrorMapping.message(e));
    }
    startInProcessBackgroundWork();
    becomeReady();
  }

  private void startInProcessBackgroundWork() {
    if (collector != null) {
      collector.start();
    }
    if (changeDetectionOn()) {
      refresher.start();
    } else if (refresher.current() == null) {
      refresher.startUntilFirstSuccess();
    }
    if (streamer != null) {
      streamer.start(); // Each event, and each (re)connect, refreshes at once.
    }
  }

  /** After a good start; {@code changeEndpoint} is false for a relay without {@code /v1/flag/change}. */
  private void startBackgroundWork(boolean changeEndpoint) {
    if (collector != null) {
      collector.start();
    }
    if (changeEndpoint && changeDetectionOn()) {
      poller.start();
    }
    if (changeEndpoint && streamer != null) {
      streamer.start(); // A relay without the change endpoint (before v1.30.0) has no stream either.
    }
  }

  private boolean changeDetectionOn() {
    return options.flagChangeDetection() != FlagChangeDetection.NONE;
  }

  @Override
  public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
    return evaluate(key, FlagType.BOOLEAN, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<String> getStringEvaluation(String key, String defaultValue, EvaluationContext ctx) {
    return evaluate(key, FlagType.STRING, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Integer> getIntegerEvaluation(String key, Integer defaultValue, EvaluationContext ctx) {
    return evaluate(key, FlagType.INTEGER, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Long> getLongEvaluation(String key, Long defaultValue, EvaluationContext ctx) {
    return evaluate(key, FlagType.LONG, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Double> getDoubleEvaluation(String key, Double defaultValue, EvaluationContext ctx) {
    return evaluate(key, FlagType.DOUBLE, defaultValue, ctx);
  }

  @Override
  public ProviderEvaluation<Value> getObjectEvaluation(String key, Value defaultValue, EvaluationContext ctx) {
    return evaluate(key, FlagType.OBJECT, defaultValue, ctx);
  }

  private <T> ProviderEvaluation<T> evaluate(String key, FlagType<T> type, T defaultValue, EvaluationContext ctx) {
    State current = state.get().state();
    if (current != State.READY && current != State.STALE && current != State.REFUSED) {
      return counters.failed(notServing(current, defaultValue));
    }
    try {
      return evaluator.evaluate(key, type, defaultValue, ctx);
    } catch (RuntimeException e) {
      return unexpected(key, defaultValue, e);
    }
  }

  /** A failure no evaluator should let through: logged, kept as the last error, answered GENERAL. */
  private <T> ProviderEvaluation<T> unexpected(String key, T defaultValue, RuntimeException e) {
    logger.error("evaluation of flag '{}' failed unexpectedly", key, e);
    lastError.record("evaluation of flag '" + key + "' failed unexpectedly: " + e);
    return counters.failed(error(defaultValue, ErrorCode.GENERAL, "unexpected failure: " + e));
  }

  private static <T> ProviderEvaluation<T> notServing(State current, T defaultValue) {
    switch (current) {
      case FATAL:
        return error(defaultValue, ErrorCode.PROVIDER_FATAL, "relay refused the API key");
      case CLOSED:
        return error(defaultValue, ErrorCode.PROVIDER_NOT_READY, "provider is shut down");
      case ERROR:
        return error(defaultValue, ErrorCode.PROVIDER_NOT_READY, "relay has not answered yet");
      default:
        return error(defaultValue, ErrorCode.PROVIDER_NOT_READY, "provider is not initialized");
    }
  }

  private static <T> ProviderEvaluation<T> error(T defaultValue, ErrorCode code, String message) {
    return ProviderEvaluation.<T>builder()
        .value(defaultValue)
        .reason(Reason.ERROR.name())
        .errorCode(code)
        .errorMessage(message)
        .build();
  }

  /** Records a tracking event for the data collector; never blocks, never throws. */
  @Override
  public void track(String eventName, EvaluationContext context, TrackingEventDetails details) {
    try {
      if (collector == null) {
        return; // Data collection is off.
      }
      if (eventName == null) { // The SDK refuses it first; only a direct caller gets here.
        logger.warn("tracking event without a name dropped");
        return;
      }
      ContextSnapshot snapshot = ContextSnapshot.of(context);
      collector.record(
          new TrackingEvent(
              FeatureEvent.contextKind(snapshot),
              FeatureEvent.userKey(snapshot),
              clock.millis() / 1000,
              eventName,
              snapshot.attributes(),
              trackingDetails(details)));
    } catch (RuntimeException e) {
      logger.warn("tracking event '{}' dropped: {}", eventName, e.toString());
    }
  }

  private static Map<String, Object> trackingDetails(TrackingEventDetails details) {
    if (details == null) {
      return Map.of();
    }
    Map<String, Object> copy = new HashMap<>(ContextSnapshot.plainFields(details));
    details.getValue().ifPresent(value -> copy.put("value", value));
    return ContextSnapshot.ofAttributes(copy).attributes();
  }

  /**
   * Stops the flag-change stream and polling, flushes pending events (bounded, within the SDK's 3 s window), releases
   * threads and connections, and clears the cache. Idempotent.
   */
  @Override
  public void shutdown() {
    if (!close()) {
      return;
    }
    try {
      if (streamer != null) {
        streamer.stop(STREAM_STOP_BUDGET); // First: it hands work to the poller.
      }
      poller.stop(POLLER_STOP_BUDGET);
      if (refresher != null) {
        refresher.stop(POLLER_STOP_BUDGET);
      }
      if (collector != null) {
        collector.close(COLLECTOR_FLUSH_BUDGET);
      }
      relay.close();
      if (cache != null) {
        cache.invalidateAll();
      }
    } catch (RuntimeException e) {
      logger.warn("provider shutdown did not complete cleanly", e);
    } finally {
      super.shutdown();
    }
  }

  /** Moves from {@code from} to {@code to} if the provider is in {@code from}; returns whether it did. */
  private boolean transition(State from, State to) {
    Lifecycle current = state.get();
    while (current.state() == from) {
      if (state.compareAndSet(current, new Lifecycle(to, clock.millis()))) {
        return true;
      }
      current = state.get();
    }
    return false;
  }

  /** Moves to CLOSED from any other state; returns false when it was closed already. */
  private boolean close() {
    Lifecycle current = state.get();
    while (current.state() != State.CLOSED) {
      if (state.compareAndSet(current, new Lifecycle(State.CLOSED, clock.millis()))) {
        return true;
      }
      current = state.get();
    }
    return false;
  }

  private static ProviderStats.Status status(State state) {
    switch (state) {
      case NEW:
        return ProviderStats.Status.NOT_INITIALIZED;
      case INITIALIZING:
        return ProviderStats.Status.INITIALIZING;
      case READY:
        return ProviderStats.Status.READY;
      case STALE:
        return ProviderStats.Status.STALE;
      case ERROR:
        return ProviderStats.Status.ERROR;
      case REFUSED:
        return ProviderStats.Status.KEY_REFUSED;
      case FATAL:
        return ProviderStats.Status.FATAL;
      default:
        return ProviderStats.Status.SHUT_DOWN;
    }
  }

  /**
   * What this provider has done so far: evaluations by outcome, relay requests by endpoint and
   * outcome with latencies, the cache, change detection, the collector, its status and its last
   * error. Cheap (a few hundred counter reads, no lock, no I/O): fine to call every second, from
   * any thread, before {@code initialize} and after {@code shutdown}.
   */
  public ProviderStats stats() {
    Lifecycle lifecycle = state.get();
    return StatsSnapshot.of(
        clock.instant(),
        status(lifecycle.state()),
        lifecycle.sinceMillis(),
        counters,
        relayCalls,
        cache,
        singleFlight,
        options.flagChangeDetection(),
        changeStatus,
        collector,
        lastError.last());
  }

  /** For tests: the data collector, or null when data collection is off. */
  DataCollector collector() {
    return collector;
  }

  /** For tests: callers waiting for another caller's relay call. */
  int singleFlightWaiters() {
    return singleFlight == null ? 0 : singleFlight.waiters();
  }

  /** For tests: the cache, or null when caching is off. */
  EvaluationCache cache() {
    return cache;
  }

  private void emitSafely(Runnable emit) {
    try {
      emit.run();
    } catch (RuntimeException e) {
      logger.debug("provider event not emitted: {}", e.toString()); // Shut down meanwhile.
    }
  }

  /** The refresher's news, turned into state and events as the poller's are; on the refresher thread. */
  private final class RefresherListener implements ConfigurationRefresher.Listener {
    private final PollerListener events = new PollerListener();

    @Override
    public void flagsChanged(List<String> flagKeys) {
      events.flagsChanged(flagKeys);
    }

    @Override
    public void stale(String message) {
      events.stale(message);
    }

    @Override
    public void recovered() {
      events.recovered();
    }
  }

  /** Turns what the poller sees into provider state and events; runs on the poller thread. */
  private final class PollerListener implements FlagChangePoller.Listener {
    @Override
    public void flagsChanged(List<String> flagKeys) {
      State current = state.get().state();
      if (current == State.READY || current == State.STALE) {
        logger.info("flags changed on the relay: {}", flagKeys);
        ProviderEventDetails details =
            ProviderEventDetails.builder().flagsChanged(flagKeys).message("flags changed on the relay").build();
        emitSafely(() -> emitProviderConfigurationChanged(details));
      }
    }

    @Override
    public void allFlagsChanged() {
      State current = state.get().state();
      if (current == State.READY || current == State.STALE) {
        logger.info("flag configuration changed on the relay (which flags is unknown: relay before v1.37.0)");
        ProviderEventDetails details =
            ProviderEventDetails.builder().message("flag configuration changed on the relay").build();
        emitSafely(() -> emitProviderConfigurationChanged(details));
      }
    }

    @Override
    public void stale(String message) {
      if (transition(State.READY, State.STALE)) {
        logger.warn("provider is stale: {}", message);
        emitSafely(() -> emitProviderStale(ProviderEventDetails.builder().message(message).build()));
      }
    }

    @Override
    public void recovered() {
      if (transition(State.STALE, State.READY)
          || transition(State.ERROR, State.READY)
          || transition(State.REFUSED, State.READY)) {
        logger.info("provider is ready: the relay answers");
        emitSafely(() -> emitProviderReady(ProviderEventDetails.builder().message("relay answers").build()));
      }
    }

    /** Not fatal: the key may be accepted again (rotated back, a gateway fixed). */
    @Override
    public void refused(String message) {
      State current = state.get().state();
      // ERROR too: a start that failed (relay down) and now meets a refused key heals the same way.
      boolean answering = current == State.READY || current == State.STALE || current == State.ERROR;
      if (answering && transition(current, State.REFUSED)) {
        ProviderEventDetails details =
            ProviderEventDetails.builder()
                .errorCode(ErrorCode.GENERAL)
                .message(message + "; polling goes on, the provider is ready again once the key is accepted")
                .build();
        emitSafely(() -> emitProviderError(details));
      }
    }
  }
}
