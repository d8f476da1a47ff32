package dev.flagrelay.benchmarks.stub;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Reads successive HTTP/1.1 requests from one connection: request line, headers, and a body sent
 * with {@code Content-Length} or chunked. Headers other than those the stub needs are skipped.
 * Buffers on its own, unsynchronised: one reader per connection thread.
 */
final class RequestReader {
  private static final int MAX_LINE = 16 * 1024;

  private final InputStream in;
  private final byte[] buffer = new byte[8192];
  private int position;
  private int limit;
  private final StringBuilder line = new StringBuilder(128);
  private final Predicate<String> discardBodyOf;
  /** Where discarded bodies are read: large, so a multi-megabyte batch takes few reads. */
  private byte[] discard;

  /**
   * @param discardBodyOf paths whose bodies are read through the reader's own buffer and thrown
   *     away instead of being allocated (a flood of collector batches then costs the stub no
   *     allocation, which JMH's gc profiler would charge to the benchmark)
   */
  RequestReader(InputStream in, Predicate<String> discardBodyOf) {
    this.in = in;
    this.discardBodyOf = discardBodyOf;
  }

  /** The next request, or null when the client closed the connection between requests. */
  Request next() throws IOException {
    String requestLine = readLine(true);
    if (requestLine == null) {
      return null;
    }
    int firstSpace = requestLine.indexOf(' ');
    int secondSpace = requestLine.indexOf(' ', firstSpace + 1);
    if (firstSpace <= 0 || secondSpace <= firstSpace) {
      throw new IOException("malformed request line: " + requestLine);
    }
    String method = requestLine.substring(0, firstSpace);
    String target = requestLine.substring(firstSpace + 1, secondSpace);
    boolean http10 = requestLine.endsWith("HTTP/1.0");
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);

    long contentLength = 0;
    boolean chunked = false;
    String ifNoneMatch = null;
    boolean close = http10;
    String header;
    while (!(header = readLine(false)).isEmpty()) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      switch (name) {
        case "content-length":
          contentLength = Long.parseLong(value);
          break;
        case "transfer-encoding":
          chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          break;
        case "if-none-match":
          ifNoneMatch = value;
          break;
        case "connection":
          close = value.equalsIgnoreCase("close") || (http10 && !value.equalsIgnoreCase("keep-alive"));
          break;
        default:
          break;
      }
    }
    if (discardBodyOf.test(path)) {
      long length = chunked ? skipChunked() : skipExactly(contentLength);
      return new Request(method, path, ifNoneMatch, close, new byte[0], length);
    }
    byte[] body = chunked ? readChunked() : readExactly(contentLength);
    return new Request(method, path, ifNoneMatch, close, body, body.length);
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(false);
      int extension = sizeLine.indexOf(';');
      long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
      if (size == 0) {
        while (!readLine(false).isEmpty()) {
          // Trailers: ignored.
        }
        return body.toByteArray();
      }
      body.write(readExactly(size));
      readLine(false); // The CRLF after the chunk.
    }
  }

  private long skipChunked() throws IOException {
    long total = 0;
    while (true) {
      String sizeLine = readLine(false);
      int extension = sizeLine.indexOf(';');
      long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
      if (size == 0) {
        while (!readLine(false).isEmpty()) {
          // Trailers: ignored.
        }
        return total;
      }
      total += skipExactly(size);
      readLine(false); // The CRLF after the chunk.
    }
  }

  /** Consumes {@code length} body bytes: what is buffered, then large reads into {@link #discard}. */
  private long skipExactly(long length) throws IOException {
    if (length < 0) {
      throw new IOException("unsupported body length: " + length);
    }
    int buffered = (int) Math.min(length, limit - position);
    position += buffered;
    long left = length - buffered;
    if (left > 0 && discard == null) {
      discard = new byte[256 * 1024];
    }
    while (left > 0) {
      int n = in.read(discard, 0, (int) Math.min(discard.length, left));
      if (n < 0) {
        throw new EOFException("body cut short after " + (length - left) + " of " + length + " bytes");
      }
      left -= n;
    }
    return length;
  }

  private byte[] readExactly(long length) throws IOException {
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IOException("unsupported body length: " + length);
    }
    byte[] body = new byte[(int) length];
    int read = Math.min(body.length, limit - position);
    System.arraycopy(buffer, position, body, 0, read);
    position += read;
    while (read < body.length) {
      int n = in.read(body, read, body.length - read);
      if (n < 0) {
        throw new EOFException("body cut short after " + read + " of " + length + " bytes");
      }
      read += n;
    }
    return body;
  }

  /** The next byte, or -1 at the end of the stream. */
  private int read() throws IOException {
    if (position == limit) {
      int n = in.read(buffer, 0, buffer.length);
      if (n < 0) {
        return -1;
      }
      position = 0;
      limit = n;
    }
    return buffer[position++] & 0xff;
  }

  /**
   * One line without its CRLF, read as ISO-8859-1. At a clean end of stream: null when {@code
   * betweenRequests}, else an {@link EOFException}.
   */
  private String readLine(boolean betweenRequests) throws IOException {
    line.setLength(0);
    int c;
    while ((c = read()) != '\n') {
      if (c < 0) {
        if (betweenRequests && line.length() == 0) {
          return null;
        }
        throw new EOFException("connection closed in the middle of a request");
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("request line or header longer than " + MAX_LINE + " characters");
      }
      line.append((char) c);
    }
    int end = line.length();
    if (end > 0 && line.charAt(end - 1) == '\r') {
      end--;
    }
    return line.substring(0, end);
  }
}
