package dev.flagrelay.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** The event-stream parsing rules the flag-change stream relies on. */
class EventStreamReaderTest {
  private final List<String> seen = new ArrayList<>();

  private List<String> read(String stream) throws IOException {
    return read(stream, 1024);
  }

  private List<String> read(String stream, long maxEventBytes) throws IOException {
    EventStreamReader.read(
        new Buffer().writeUtf8(stream),
        maxEventBytes,
        new EventStreamReader.Sink() {
          @Override
          public void event(String data) {
            seen.add(data);
          }

          @Override
          public void oversized(long maxBytes) {
            seen.add("OVERSIZED " + maxBytes);
          }
        });
    return seen;
  }

  @Test
  void relayShape_emptyIdThenOneDataLine_oneEvent() throws IOException {
    assertThat(read("id:\ndata: {\"updated\":{}}\n\n")).containsExactly("{\"updated\":{}}");
  }

  @Test
  void multiLineData_joinedWithLineFeeds() throws IOException {
    assertThat(read("data: {\ndata:  \"a\": 1\ndata:}\n\n")).containsExactly("{\n \"a\": 1\n}");
  }

  @Test
  void lineEnds_crlfCrAndLf_allEndLines() throws IOException {
    assertThat(read("data: a\r\n\r\ndata: b\r\rdata: c\n\n")).containsExactly("a", "b", "c");
  }

  @Test
  void comments_idRetryAndUnknownFields_ignored() throws IOException {
    assertThat(read(": keep-alive\nid: 7\nretry: 10\nfoo: bar\ndata: x\n\n")).containsExactly("x");
  }

  @Test
  void fieldWithoutColon_isAnEmptyValue() throws IOException {
    assertThat(read("data\n\n")).containsExactly("");
  }

  @Test
  void eventWithoutData_notDispatched() throws IOException {
    assertThat(read("id:\n\n: only a comment\n\n")).isEmpty();
  }

  @Test
  void eventOfAnotherType_skipped_messageTypeKept() throws IOException {
    assertThat(read("event: ping\ndata: p\n\nevent: message\ndata: m\n\ndata: n\n\n")).containsExactly("m", "n");
  }

  @Test
  void eventCutOffByTheEndOfTheStream_discarded() throws IOException {
    assertThat(read("data: a\n\ndata: cut")).containsExactly("a");
    assertThat(read("data: b\n")).containsExactly("a");
  }

  @Test
  void oversizedEvent_reportedAndSkipped_nextEventStillRead() throws IOException {
    String big = "x".repeat(100);

    assertThat(read("data: " + big + "\n\ndata: small\n\n", 50)).containsExactly("OVERSIZED 50", "small");
  }

  @Test
  void oversizedAcrossDataLines_reportedOnce() throws IOException {
    String line = "data: " + "y".repeat(30) + "\n";

    assertThat(read(line + line + line + "\ndata: ok\n\n", 50)).containsExactly("OVERSIZED 50", "ok");
  }

  @Test
  void lineLongerThanTheBoundWithoutEnd_neverBufferedWhole() throws IOException {
    Buffer source = new Buffer().writeUtf8("data: " + "z".repeat(10_000));

    EventStreamReader.read(source, 100, new EventStreamReader.Sink() {
      @Override
      public void event(String data) {
        seen.add(data);
      }

      @Override
      public void oversized(long maxBytes) {
        seen.add("OVERSIZED");
      }
    });

    assertThat(seen).isEmpty();
    assertThat(source.size()).isZero();
  }

  @Test
  void unicodeData_decodedAsUtf8() throws IOException {
    assertThat(read("data: {\"added\":{\"clé-ü\":{}}}\n\n")).containsExactly("{\"added\":{\"clé-ü\":{}}}");
  }
}
