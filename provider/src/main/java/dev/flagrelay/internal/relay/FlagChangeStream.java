package dev.flagrelay.internal.relay;

/**
 * One connection to the relay's flag-change stream ({@code GET /stream/v1/sse/flag/change}),
 * used by one thread: {@link #connect()}, then {@link #read(Listener)} until the stream ends.
 * {@link #close()} may be called from any thread, at any time, and makes a blocked {@code
 * connect} or {@code read} fail at once. No message of any exception thrown here holds the
 * stream's URL or the API key.
 */
public interface FlagChangeStream extends AutoCloseable {
  /** A stream on a client that has none: every connect answers like a relay without the endpoint. */
  FlagChangeStream NOT_FOUND =
      new FlagChangeStream() {
        @Override
        public void connect() throws RelayException {
          throw new RelayHttpException(404, null, "this relay client has no flag-change stream");
        }

        @Override
        public void read(Listener listener) {}

        @Override
        public void close() {}
      };

  /**
   * Opens the stream.
   *
   * @throws RelayHttpException when the relay answers anything but 200 (404: a relay before
   *     v1.53.0; 401/403: the key is refused)
   * @throws RelayUnreachableException when it cannot be reached, or the stream was closed
   */
  void connect() throws RelayException;

  /** What {@link #read} hands over, on the reading thread. */
  interface Listener {
    /** One event named these flags. */
    void changed(FlagChangeEvent event);

    /**
     * One event could not be read as a flag change (not JSON, wrong shape, too large); the
     * stream goes on. {@code reason} never quotes the event's data.
     */
    void malformed(String reason);
  }

  /**
   * Reads events, handing each to {@code listener}, until the relay ends the stream (returns).
   * There is no read timeout: the relay sends nothing while no flag changes.
   *
   * @throws RelayUnreachableException when the connection broke or was closed
   */
  void read(Listener listener) throws RelayException;

  /** Ends the connection, from any thread; idempotent. */
  @Override
  void close();
}
