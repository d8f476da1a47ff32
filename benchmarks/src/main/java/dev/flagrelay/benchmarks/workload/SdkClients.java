package dev.flagrelay.benchmarks.workload;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.OpenFeatureAPI;

/** Wires a provider into the OpenFeature SDK the way an application does. */
public final class SdkClients {
  private SdkClients() {}

  /**
   * Sets {@code provider} for {@code domain}, waits until it is ready, and returns that domain's
   * client. One domain per benchmark state, so states sharing a JVM never see each other's
   * provider.
   */
  public static Client ready(String domain, FeatureProvider provider) {
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait(domain, provider);
    return api.getClient(domain);
  }

  /** Shuts every provider down through the SDK, as an application does on exit. */
  public static void shutdownAll() {
    OpenFeatureAPI.getInstance().shutdown();
  }

  /** Fails the setup when a warm-up evaluation did not come back as the stub's answer. */
  public static void requireTrue(boolean value, String what) {
    if (!value) {
      throw new IllegalStateException(what + ": expected the stub's answer (true), got the default");
    }
  }
}
