package dev.flagrelay.benchmarks.side;

import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.contrib.providers.gofeatureflag.GoFeatureFlagProvider;
import dev.openfeature.contrib.providers.gofeatureflag.GoFeatureFlagProviderOptions;
import dev.openfeature.contrib.providers.gofeatureflag.exception.InvalidOptions;
import dev.openfeature.sdk.FeatureProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The official provider's side of the shared scenarios ({@code dev.flagrelay.benchmarks.scenario}):
 * 0.4.3 with its defaults, pointed at the stub, with the same 10 s request timeout flagrelay uses
 * by default. flagrelay's build has a class of the same name for its own side.
 */
public final class Side {
  static final int TIMEOUT_MILLIS = 10_000;

  /**
   * A JVM flag every fork of a scenario gets. On SDK 1.15.1 a provider that emits an event starts
   * {@code EventProvider}'s cached pool, whose non-daemon thread ({@code pool-N-thread-1})
   * outlives {@code shutdown()} by up to 60 s; JMH would wait 30 s for it after every fork. The
   * teardowns have already shut everything down synchronously, so the fork need not wait.
   */
  public static final String FORK_FLAG = "-Djmh.shutdownTimeout=1";

  /** Every provider made in this JVM, to shut down synchronously before the stub goes away. */
  private static final List<GoFeatureFlagProvider> created = new CopyOnWriteArrayList<>();

  private Side() {}

  /** The cache and data collection on, as shipped. */
  public static FeatureProvider defaults(RelayStub stub) {
    return official(stub, options -> options);
  }

  /** The cache on, data collection off. */
  public static FeatureProvider noDataCollection(RelayStub stub) {
    return official(stub, options -> options.disableDataCollection(true));
  }

  /** The cache off: every evaluation goes to the relay. */
  public static FeatureProvider noCache(RelayStub stub) {
    return official(stub, options -> options.enableCache(false));
  }

  /** Defaults but a small event buffer and the given flush interval. */
  public static FeatureProvider smallEventBuffer(RelayStub stub, int maxPendingEvents, Duration flushInterval) {
    return official(stub, options -> options.maxPendingEvents(maxPendingEvents).flushIntervalMs(flushInterval.toMillis()));
  }

  /** The stub route this side's evaluations arrive on: the legacy route 0.4.3 calls. */
  public static RelayStub.Route evaluationRoute() {
    return RelayStub.Route.LEGACY_EVALUATE;
  }

  /** The path this side's provider posts an evaluation of {@code flagKey} to. */
  public static String evaluationPath(String flagKey) {
    return "/v1/feature/" + flagKey + "/eval";
  }

  /**
   * Shuts every provider down on this thread, then the SDK. SDK 1.15.1 shuts providers down on a
   * background thread and returns at once: the final event flush would then race with the stub's
   * close. Shutting down twice is harmless for 0.4.3 (the second flush finds nothing to send).
   */
  public static void shutdownAll() {
    for (GoFeatureFlagProvider provider : created) {
      provider.shutdown();
    }
    created.clear();
    SdkClients.shutdownAll();
  }

  private static GoFeatureFlagProvider official(
      RelayStub stub, UnaryOperator<GoFeatureFlagProviderOptions.GoFeatureFlagProviderOptionsBuilder> options) {
    try {
      GoFeatureFlagProvider provider =
          new GoFeatureFlagProvider(
              options.apply(GoFeatureFlagProviderOptions.builder().endpoint(stub.baseUrl()).timeout(TIMEOUT_MILLIS)).build());
      created.add(provider);
      return provider;
    } catch (InvalidOptions e) {
      throw new IllegalStateException("official provider refused its options", e);
    }
  }
}
