package dev.flagrelay.benchmarks;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.GoFeatureFlagProviderOptions;
import dev.flagrelay.benchmarks.stub.RelayStub;
import java.util.function.UnaryOperator;

/** flagrelay's provider as the benchmarks configure it: defaults, pointed at the stub. */
final class Providers {
  private Providers() {}

  /** A provider with default options but the endpoint, changed by {@code options}. */
  static GoFeatureFlagProvider flagrelay(
      RelayStub stub, UnaryOperator<GoFeatureFlagProviderOptions.Builder> options) {
    return new GoFeatureFlagProvider(
        options.apply(GoFeatureFlagProviderOptions.builder().endpoint(stub.baseUrl())).build());
  }
}
