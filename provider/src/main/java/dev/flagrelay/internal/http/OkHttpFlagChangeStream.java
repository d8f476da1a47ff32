package dev.flagrelay.internal.http;

import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.relay.FlagChangeStream;
import dev.flagrelay.internal.relay.RelayDecodeException;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One connection to the relay's flag-change stream over OkHttp: a synchronous call on the
 * reading thread, with no read or call timeout (the relay is silent while nothing changes),
 * cancelled by {@link #close()} from any thread.
 *
 * <p>The call's URL carries the API key in its query, so nothing here ever prints the URL or an
 * OkHttp exception as it is: every message goes through {@link Secrets#redact} and no OkHttp
 * exception is kept as a cause.
 */
final class OkHttpFlagChangeStream implements FlagChangeStream {
  private final Call call;
  private final JsonCodec codec;
  private final Secrets secrets;
  private final long maxEventBytes;
  /** Set by {@link #connect()}, read by {@link #read}, on the reading thread; volatile for {@link #close()}. */
  private volatile Response response;

  OkHttpFlagChangeStream(Call call, JsonCodec codec, Secrets secrets, long maxEventBytes) {
    this.call = call;
    this.codec = codec;
    this.secrets = secrets;
    this.maxEventBytes = maxEventBytes;
  }

  @Override
  public void connect() throws RelayException {
    Response answer;
    try {
      answer = call.execute();
    } catch (IOException | RuntimeException e) {
      throw broken("could not connect", e);
    }
    if (answer.code() != 200) {
      try (answer) {
        throw refusal(answer);
      }
    }
    response = answer;
  }

  /** The status, with the error body's code and details (redacted), as a {@link RelayHttpException}. */
  private RelayHttpException refusal(Response answer) {
    String details = null;
    String errorCode = null;
    try {
      byte[] body = readErrorBody(answer.body());
      JsonCodec.ErrorBody error = codec.readError(body);
      errorCode = error.errorCode();
      details = error.details() == null ? null : secrets.redact(error.details());
    } catch (IOException | RuntimeException e) {
      // The status speaks alone.
    }
    return new RelayHttpException(answer.code(), errorCode, details);
  }

  private static byte[] readErrorBody(ResponseBody body) throws IOException {
    if (body == null) {
      return new byte[0];
    }
    if (body.source().request(OkHttpRelayClient.MAX_ERROR_BODY_BYTES + 1)) {
      return new byte[0];
    }
    return body.source().readByteArray();
  }

  @Override
  public void read(Listener listener) throws RelayException {
    Response open = response;
    if (open == null) {
      throw new IllegalStateException("read() before connect()");
    }
    try (open) {
      ResponseBody body = open.body();
      if (body == null) {
        return;
      }
      EventStreamReader.read(body.source(), maxEventBytes, new Decoder(listener));
    } catch (IOException | RuntimeException e) {
      throw broken(call.isCanceled() ? "was closed" : "broke", e);
    }
  }

  private RelayUnreachableException broken(String what, Exception e) {
    return new RelayUnreachableException(
        "flag-change stream " + what + ": " + secrets.redact(e.toString()), null, false);
  }

  @Override
  public void close() {
    call.cancel();
  }

  /** Decodes each event's data and hands the result over. */
  private final class Decoder implements EventStreamReader.Sink {
    private final Listener listener;

    Decoder(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void event(String data) {
      try {
        listener.changed(codec.readFlagChangeEvent(data.getBytes(StandardCharsets.UTF_8)));
      } catch (RelayDecodeException e) {
        listener.malformed(e.getMessage() + " (" + data.length() + " characters)");
      }
    }

    @Override
    public void oversized(long maxBytes) {
      listener.malformed("event larger than " + maxBytes + " bytes, skipped");
    }
  }
}
