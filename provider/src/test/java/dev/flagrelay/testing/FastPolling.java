package dev.flagrelay.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes Awaitility check every few milliseconds instead of every 100 for the classes that use it
 * ({@code @ExtendWith(FastPolling.class)}), and restores its defaults afterwards.
 */
public final class FastPolling implements BeforeAllCallback, AfterAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultPollInterval(Duration.ofMillis(5));
    Awaitility.setDefaultTimeout(Duration.ofSeconds(10));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Awaitility.reset();
  }
}
