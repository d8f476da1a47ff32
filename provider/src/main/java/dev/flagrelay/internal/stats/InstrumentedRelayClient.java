package dev.flagrelay.internal.stats;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.internal.relay.FlagChangeStream;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RateLimitedException;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.LongSupplier;

/**
 * A {@link RelayClient} that counts every request of the one it wraps by endpoint and outcome,
 * times it, and keeps the last failure in {@link LastError}. A call refused before anything was
 * sent (the 429 pause) is no request and is not counted. An evaluation answered with a flag's
 * error code (a 4xx such as {@code FLAG_NOT_FOUND}) is an answer about that flag, and a stream
 * answered 404 a relay without one: counted, not kept as the last error.
 */
public final class InstrumentedRelayClient implements RelayClient {
  private final RelayClient relay;
  private final RelayCallStats stats;
  private final LastError lastError;
  private final LongSupplier nanoTime;

  public InstrumentedRelayClient(RelayClient relay, RelayCallStats stats, LastError lastError, LongSupplier nanoTime) {
    this.relay = relay;
    this.stats = stats;
    this.lastError = lastError;
    this.nanoTime = nanoTime;
  }

  /** A relay call, for timing. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws RelayException;
  }

  private <T> T timed(RelayEndpoint endpoint, Call<T> call, Predicate<T> notModified)
      throws RelayException {
    long start = nanoTime.getAsLong();
    T result;
    try {
      result = call.run();
    } catch (RateLimitedException e) {
      throw e; // Nothing was sent.
    } catch (RelayException e) {
      failed(endpoint, e, nanoTime.getAsLong() - start);
      throw e;
    }
    RequestOutcome outcome = notModified.test(result) ? RequestOutcome.NOT_MODIFIED : RequestOutcome.SUCCESS;
    stats.record(endpoint, outcome, nanoTime.getAsLong() - start);
    return result;
  }

  private void failed(RelayEndpoint endpoint, RelayException e, long nanos) {
    stats.record(endpoint, RequestOutcome.of(e), nanos);
    if (!expected(endpoint, e)) {
      lastError.record(endpoint.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage());
    }
  }

  /**
   * Answers that are no provider error: an evaluation answered with a flag's error code (such as
   * {@code FLAG_NOT_FOUND}), and a stream connection answered 404 without one (a relay before
   * v1.53.0 has no stream; changes then arrive by polling).
   */
  private static boolean expected(RelayEndpoint endpoint, RelayException e) {
    if (!(e instanceof RelayHttpException http) || http.unauthorized() || http.unavailable()) {
      return false;
    }
    if (endpoint == RelayEndpoint.EVALUATION) {
      return http.errorCode() != null;
    }
    return endpoint == RelayEndpoint.STREAM_CONNECT && http.status() == 404 && http.errorCode() == null;
  }

  @Override
  public RelayAnswer evaluate(String flagKey, ContextSnapshot context) throws RelayException {
    return timed(RelayEndpoint.EVALUATION, () -> relay.evaluate(flagKey, context), answer -> false);
  }

  @Override
  public FlagChanges flagChanges(String etag) throws RelayException {
    return timed(RelayEndpoint.CHANGE_POLL, () -> relay.flagChanges(etag), changes -> !changes.modified());
  }

  @Override
  public ConfigurationAnswer flagConfiguration(String etag, List<String> flags) throws RelayException {
    return timed(
        RelayEndpoint.CONFIGURATION,
        () -> relay.flagConfiguration(etag, flags),
        answer -> !(answer instanceof ConfigurationAnswer.Fetched));
  }

  @Override
  public void sendEvents(byte[] envelope, Duration timeout) throws RelayException {
    timed(RelayEndpoint.COLLECTOR, () -> {
      relay.sendEvents(envelope, timeout);
      return Boolean.TRUE;
    }, sent -> false);
  }

  @Override
  public void sendEvents(byte[] envelope, int length, Duration timeout) throws RelayException {
    timed(RelayEndpoint.COLLECTOR, () -> {
      relay.sendEvents(envelope, length, timeout);
      return Boolean.TRUE;
    }, sent -> false);
  }

  @Override
  public FlagChangeStream flagChangeStream() {
    return new TimedStream(relay.flagChangeStream());
  }

  @Override
  public void close() {
    relay.close();
  }

  /** Counts and times {@link #connect()}; reading is not a request. */
  private final class TimedStream implements FlagChangeStream {
    private final FlagChangeStream stream;

    TimedStream(FlagChangeStream stream) {
      this.stream = stream;
    }

    @Override
    public void connect() throws RelayException {
      timed(RelayEndpoint.STREAM_CONNECT, () -> {
        stream.connect();
        return Boolean.TRUE;
      }, connected -> false);
    }

    @Override
    public void read(Listener listener) throws RelayException {
      stream.read(listener);
    }

    @Override
    public void close() {
      stream.close();
    }
  }
}
