package dev.flagrelay.benchmarks.official;

import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.contrib.providers.gofeatureflag.GoFeatureFlagProvider;
import dev.openfeature.contrib.providers.gofeatureflag.GoFeatureFlagProviderOptions;
import dev.openfeature.contrib.providers.gofeatureflag.exception.InvalidOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The official provider as the benchmarks configure it: its defaults, pointed at the stub, with
 * the same 10 s request timeout flagrelay uses by default.
 */
final class OfficialProviders {
  static final int TIMEOUT_MILLIS = 10_000;

  /**
   * A JVM flag for the forks of these benchmarks. On SDK 1.15.1 a provider that emits an event
   * starts {@code EventProvider}'s cached pool, whose non-daemon thread ({@code pool-N-thread-1})
   * outlives {@code shutdown()} by up to 60 s; JMH would wait 30 s for it after every fork. The
   * teardowns have already shut everything down synchronously, so the fork need not wait.
   */
  static final String EXIT_PROMPTLY = "-Djmh.shutdownTimeout=1";

  /** Every provider made in this JVM, to shut down synchronously before the stub goes away. */
  private static final List<GoFeatureFlagProvider> created = new CopyOnWriteArrayList<>();

  private OfficialProviders() {}

  static GoFeatureFlagProvider official(
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

  /**
   * Shuts every provider down on this thread, then the SDK. SDK 1.15.1 shuts providers down on a
   * background thread and returns at once: the final event flush would then race with the stub's
   * close. Shutting down twice is harmless for 0.4.3 (the second flush finds nothing to send).
   */
  static void shutdownAll() {
    for (GoFeatureFlagProvider provider : created) {
      provider.shutdown();
    }
    created.clear();
    SdkClients.shutdownAll();
  }
}
