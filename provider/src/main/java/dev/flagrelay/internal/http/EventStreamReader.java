package dev.flagrelay.internal.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;

/**
 * Reads a {@code text/event-stream} body as the HTML standard's event-stream parsing rules say,
 * keeping only what the flag-change stream needs: the data of each {@code message} event.
 *
 * <p>Lines end with CRLF, LF or CR; a line starting with {@code :} is a comment; {@code data:}
 * lines of one event are joined with LF (one space after the colon is dropped); an empty line
 * dispatches the event, and an event without data is not dispatched. {@code id:} and {@code
 * retry:} are ignored (the provider never sends {@code Last-Event-ID} and keeps its own back-off),
 * an event whose {@code event:} type is not {@code message} is skipped, and an event cut off by
 * the end of the stream is discarded. A line or event beyond the byte bound is read past, not
 * buffered, and reported as oversized. All state lives in {@link #read}'s locals: one reading
 * thread, nothing shared.
 */
final class EventStreamReader {
  private static final ByteString LINE_ENDS = ByteString.encodeUtf8("\r\n");

  /** Where events go, on the reading thread. */
  interface Sink {
    /** The data of one event. */
    void event(String data);

    /** One event was larger than the bound; its data was skipped. */
    void oversized(long maxBytes);
  }

  /** One line, or the fact that it was longer than the bound (its text then is empty). */
  private record Line(String text, boolean oversized) {}

  private EventStreamReader() {}

  /** Reads events until the source is exhausted; throws what reading the source throws. */
  static void read(BufferedSource source, long maxEventBytes, Sink sink) throws IOException {
    StringBuilder data = new StringBuilder();
    boolean hasData = false;
    boolean oversized = false;
    boolean message = true;
    Line line;
    while ((line = readLine(source, maxEventBytes)) != null) {
      String text = line.text();
      if (line.oversized()) {
        oversized = true;
      } else if (text.isEmpty()) {
        dispatch(sink, data, hasData, oversized, message, maxEventBytes);
        data.setLength(0);
        hasData = false;
        oversized = false;
        message = true;
      } else if (!text.startsWith(":")) {
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : valueAfter(text, colon);
        if (field.equals("data")) {
          if (data.length() + value.length() + 1 > maxEventBytes) {
            oversized = true;
          } else {
            data.append(value).append('\n');
            hasData = true;
          }
        } else if (field.equals("event")) {
          message = value.isEmpty() || value.equals("message");
        }
      }
    }
  }

  private static String valueAfter(String line, int colon) {
    int start = colon + 1;
    if (start < line.length() && line.charAt(start) == ' ') {
      start++;
    }
    return line.substring(start);
  }

  private static void dispatch(
      Sink sink, StringBuilder data, boolean hasData, boolean oversized, boolean message, long maxEventBytes) {
    if (oversized) {
      sink.oversized(maxEventBytes);
    } else if (hasData && message) {
      sink.event(data.substring(0, data.length() - 1));
    }
  }

  /**
   * The next line without its end, null at the end of the stream (a last line without an end is
   * dropped, as its event could not be dispatched anyway). After a CR, waits for one more byte to
   * see whether an LF follows: the relay ends lines with LF, so this never waits there.
   */
  private static Line readLine(BufferedSource source, long maxBytes) throws IOException {
    Buffer buffer = source.getBuffer();
    long scanned = 0;
    long skipped = 0;
    while (true) {
      long end = buffer.indexOfElement(LINE_ENDS, scanned);
      if (end >= 0) {
        String text = skipped > 0 ? "" : buffer.readString(end, StandardCharsets.UTF_8);
        if (skipped > 0) {
          buffer.skip(end);
        }
        consumeLineEnd(source, buffer);
        return new Line(text, skipped > 0 || end > maxBytes);
      }
      scanned = buffer.size();
      if (scanned > maxBytes) {
        skipped += scanned;
        buffer.skip(scanned);
        scanned = 0;
      }
      if (!source.request(buffer.size() + 1)) {
        return null;
      }
    }
  }

  private static void consumeLineEnd(BufferedSource source, Buffer buffer) throws IOException {
    byte end = buffer.readByte();
    if (end == '\r' && source.request(1) && buffer.getByte(0) == '\n') {
      buffer.readByte();
    }
  }
}
