package dev.flagrelay.internal.stats;

import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayUnreachableException;

/** How one relay request ended. */
public enum RequestOutcome {
  /** A 2xx answer (also one whose body could not be read). */
  SUCCESS,
  /** 304: nothing changed since the ETag sent. */
  NOT_MODIFIED,
  /** A 4xx answer. */
  CLIENT_ERROR,
  /** A 5xx answer, or any other status the client does not accept. */
  SERVER_ERROR,
  /** No answer within the timeout. */
  TIMEOUT,
  /** No connection, a broken one, or a failure inside the HTTP client. */
  UNREACHABLE;

  /** The outcome a failed call stands for. */
  static RequestOutcome of(RelayException e) {
    if (e instanceof RelayHttpException http) {
      return http.status() >= 400 && http.status() < 500 ? CLIENT_ERROR : SERVER_ERROR;
    }
    if (e instanceof RelayUnreachableException unreachable) {
      return unreachable.timedOut() ? TIMEOUT : UNREACHABLE;
    }
    if (e instanceof dev.flagrelay.internal.relay.RelayDecodeException) {
      return SUCCESS; // The relay answered 2xx; its body was the trouble.
    }
    return UNREACHABLE;
  }
}
