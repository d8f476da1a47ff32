package dev.flagrelay.it.conformance.backend;

import java.util.Map;

/**
 * What a conformance scenario needs from the relay the provider talks to: where it is, and a way
 * to cut it off, bring it back and change a flag while a provider is running. One backend serves a
 * whole suite; {@link #reset()} puts it back after each scenario. Called from the scenario
 * thread only.
 */
public interface RelayBackend extends AutoCloseable {
  /** The relay's base URL, such as {@code http://127.0.0.1:40123}. */
  String endpoint();

  /** From now on, no request reaches the relay. */
  void loseConnection();

  /** Undoes {@link #loseConnection()}; returns once the relay answers again. */
  void restoreConnection();

  /** Makes {@code flagKey} serve another variant, as an edit of the flag configuration would. */
  void modifyFlag(String flagKey);

  /**
   * The {@code context} object of the last evaluation request the relay received.
   *
   * @throws UnsupportedOperationException when this backend does not record requests
   */
  Map<String, Object> lastEvaluationContext();

  /** Back to the seeded flags with the connection up, between scenarios (no provider running). */
  void reset();

  @Override
  void close();
}
