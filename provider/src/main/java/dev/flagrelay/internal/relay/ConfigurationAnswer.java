package dev.flagrelay.internal.relay;

/**
 * One answer of {@code POST /v1/flag/configuration}: either a body to read or "not modified" (a
 * 304), never to be mistaken for one another. Failures are {@link RelayException}s.
 */
public sealed interface ConfigurationAnswer {
  /** The configuration has not changed since the ETag that was sent (a 304). */
  record NotModified() implements ConfigurationAnswer {}

  /**
   * A 200.
   *
   * @param body the body as received, not yet parsed (the caller owns the array)
   * @param etag the {@code ETag} header exactly as received, quotes included; null when absent
   */
  record Fetched(byte[] body, String etag) implements ConfigurationAnswer {}

  ConfigurationAnswer NOT_MODIFIED = new NotModified();
}
