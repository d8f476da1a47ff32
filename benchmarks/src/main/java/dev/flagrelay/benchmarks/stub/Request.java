package dev.flagrelay.benchmarks.stub;

/**
 * One parsed HTTP request: what the stub routes on, and the body it records.
 *
 * @param ifNoneMatch the {@code If-None-Match} header, or null
 * @param closeAfter whether the client asked to close the connection after the answer
 * @param body the body, or empty when the reader was told to discard this path's bodies
 * @param bodyLength the body's length in bytes, kept or not
 */
record Request(String method, String path, String ifNoneMatch, boolean closeAfter, byte[] body, long bodyLength) {}
