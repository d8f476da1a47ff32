package dev.flagrelay.benchmarks.side;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.sdk.FeatureProvider;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * flagrelay's side of the shared scenarios ({@code dev.flagrelay.benchmarks.scenario}): its
 * provider as the benchmarks configure it, with default options but those named, pointed at the
 * stub. The official provider's build has a class of the same name for its own side.
 */
public final class Side {
  /** A JVM flag every fork of a scenario gets; nothing to add on this side. */
  public static final String FORK_FLAG = "-Dflagrelay.benchmarks.side=flagrelay";

  private Side() {}

  /** The cache and data collection on, as shipped. */
  public static FeatureProvider defaults(RelayStub stub) {
    return flagrelay(stub, options -> options);
  }

  /** The cache on, data collection off. */
  public static FeatureProvider noDataCollection(RelayStub stub) {
    return flagrelay(stub, options -> options.disableDataCollection(true));
  }

  /** The cache off: every evaluation goes to the relay. */
  public static FeatureProvider noCache(RelayStub stub) {
    return flagrelay(stub, options -> options.cacheEnabled(false));
  }

  /** Defaults but a small event buffer and the given flush interval. */
  public static FeatureProvider smallEventBuffer(RelayStub stub, int maxPendingEvents, Duration flushInterval) {
    return flagrelay(stub, options -> options.maxPendingEvents(maxPendingEvents).dataFlushInterval(flushInterval));
  }

  /** The stub route this side's evaluations arrive on. */
  public static RelayStub.Route evaluationRoute() {
    return RelayStub.Route.OFREP_EVALUATE;
  }

  /** The path this side's provider posts an evaluation of {@code flagKey} to. */
  public static String evaluationPath(String flagKey) {
    return "/ofrep/v1/evaluate/flags/" + flagKey;
  }

  /** Shuts down every provider and the SDK, before a stub goes away. */
  public static void shutdownAll() {
    SdkClients.shutdownAll();
  }

  /** A provider with default options but the endpoint, changed by {@code options}. */
  public static GoFeatureFlagProvider flagrelay(
      RelayStub stub, UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) {
    return new GoFeatureFlagProvider(
        options.apply(GoFeatureFlagProviderOptions.builder().endpoint(stub.baseUrl())).build());
  }
}
