package dev.flagrelay.internal.relay;

import dev.flagrelay.internal.context.ContextSnapshot;
import java.time.Duration;
import java.util.List;

/**
 * The relay proxy's HTTP API as the provider uses it. Implementations are thread-safe; every call
 * blocks the calling thread for at most the configured timeout.
 */
public interface RelayClient extends AutoCloseable {
  /**
   * Evaluates one flag ({@code POST /ofrep/v1/evaluate/flags/{key}}).
   *
   * @throws RelayException when the relay answered an error, could not be reached, or sent a body
   *     that is not an evaluation
   */
  RelayAnswer evaluate(String flagKey, ContextSnapshot context) throws RelayException;

  /**
   * Asks which flags changed ({@code GET /v1/flag/change}), sending {@code etag} verbatim in
   * {@code If-None-Match} when it is not null.
   */
  FlagChanges flagChanges(String etag) throws RelayException;

  /**
   * A new, not yet connected, connection to the relay's flag-change stream ({@code GET
   * /stream/v1/sse/flag/change}). Clients without one (test fakes) answer {@link
   * FlagChangeStream#NOT_FOUND}, as a relay before v1.53.0 would.
   */
  default FlagChangeStream flagChangeStream() {
    return FlagChangeStream.NOT_FOUND;
  }

  /**
   * Fetches the flag configuration ({@code POST /v1/flag/configuration}, body {@code {}} or {@code
   * {"flags":[...]}}), sending {@code etag} verbatim in {@code If-None-Match} when it is not null.
   * Relay clients without in-process support answer as a relay without the endpoint would.
   *
   * @param flags the flags to fetch; empty for all
   * @throws RelayException when the relay answered an error or could not be reached
   */
  default ConfigurationAnswer flagConfiguration(String etag, List<String> flags) throws RelayException {
    throw new RelayHttpException(404, null, "this relay client cannot fetch the flag configuration");
  }

  /**
   * Posts an already encoded collector envelope ({@code POST /v1/data/collector}).
   *
   * @param timeout the limit for this call, at most the configured timeout
   */
  void sendEvents(byte[] envelope, Duration timeout) throws RelayException;

  /**
   * Posts the first {@code length} bytes of {@code envelope}, which the caller reuses afterwards:
   * the call must be done with it when it returns.
   */
  default void sendEvents(byte[] envelope, int length, Duration timeout) throws RelayException {
    sendEvents(length == envelope.length ? envelope : java.util.Arrays.copyOf(envelope, length), timeout);
  }

  /** Releases threads and connections; idempotent. */
  @Override
  void close();
}
