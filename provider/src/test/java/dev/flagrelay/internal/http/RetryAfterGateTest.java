package dev.flagrelay.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** GOFF-REM-004 / C9: {@code Retry-After} as seconds or HTTP date, one shared deadline. */
class RetryAfterGateTest {
  /** Monday 2024-01-01, so HTTP dates below carry the right weekday. */
  private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");

  private final AtomicLong nanoTime = new AtomicLong(1_000_000_000L);
  private final RetryAfterGate gate = new RetryAfterGate(nanoTime::get);

  private void advance(Duration duration) {
    nanoTime.addAndGet(duration.toNanos());
  }

  @Test
  void parse_delaySeconds() {
    assertThat(RetryAfterGate.parse("120", NOW)).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void parse_delaySecondsWithSpaces() {
    assertThat(RetryAfterGate.parse(" 7 ", NOW)).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void parse_httpDate_pauseUntilThatTime() {
    assertThat(RetryAfterGate.parse("Mon, 01 Jan 2024 00:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void parse_httpDateInThePast_zero() {
    assertThat(RetryAfterGate.parse("Sun, 31 Dec 2023 23:59:00 GMT", NOW)).isZero();
  }

  @Test
  void parse_garbage_defaultPause() {
    assertThat(RetryAfterGate.parse("soon", NOW)).isEqualTo(RetryAfterGate.DEFAULT_PAUSE);
  }

  @Test
  void parse_fractionalSeconds_defaultPause() {
    assertThat(RetryAfterGate.parse("1.5", NOW)).isEqualTo(RetryAfterGate.DEFAULT_PAUSE);
  }

  @Test
  void parse_missingHeader_defaultPause() {
    assertThat(RetryAfterGate.parse(null, NOW)).isEqualTo(RetryAfterGate.DEFAULT_PAUSE);
    assertThat(RetryAfterGate.parse("  ", NOW)).isEqualTo(RetryAfterGate.DEFAULT_PAUSE);
  }

  @Test
  void parse_negativeSeconds_zero() {
    assertThat(RetryAfterGate.parse("-5", NOW)).isZero();
  }

  @Test
  void parse_hugeSeconds_cappedAtMaxPause() {
    assertThat(RetryAfterGate.parse("99999999", NOW)).isEqualTo(RetryAfterGate.MAX_PAUSE);
  }

  @Test
  void parse_longMaxSeconds_cappedAtMaxPause() {
    assertThat(RetryAfterGate.parse(String.valueOf(Long.MAX_VALUE), NOW)).isEqualTo(RetryAfterGate.MAX_PAUSE);
  }

  /** A delay too large for a long is still a (very) long delay, not a 1 s default. */
  @Test
  void parse_secondsBeyondLongRange_cappedAtMaxPauseNotDefault() {
    assertThat(RetryAfterGate.parse("99999999999999999999", NOW)).isEqualTo(RetryAfterGate.MAX_PAUSE);
  }

  @Test
  void parse_httpDateFarAhead_cappedAtMaxPause() {
    assertThat(RetryAfterGate.parse("Wed, 01 Jan 2025 00:00:00 GMT", NOW)).isEqualTo(RetryAfterGate.MAX_PAUSE);
  }

  @Test
  void remaining_initially_notPositive() {
    assertThat(gate.remaining()).isLessThanOrEqualTo(Duration.ZERO);
  }

  @Test
  void pause_closesTheGateForTheRequestedTime() {
    gate.pause("30", NOW);

    assertThat(gate.remaining()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void remaining_shrinksAsTimePasses() {
    gate.pause("30", NOW);
    advance(Duration.ofSeconds(10));

    assertThat(gate.remaining()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void remaining_afterThePause_notPositive() {
    gate.pause("30", NOW);
    advance(Duration.ofSeconds(31));

    assertThat(gate.remaining()).isNegative();
  }

  @Test
  void pause_shorter_neverShortensALongerOne() {
    gate.pause("60", NOW);
    gate.pause("5", NOW);

    assertThat(gate.remaining()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void pause_zero_neverReopensAClosedGate() {
    gate.pause("60", NOW);
    gate.pause("-1", NOW);

    assertThat(gate.remaining()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void pause_longer_extendsTheDeadline() {
    gate.pause("60", NOW);
    advance(Duration.ofSeconds(10));
    gate.pause("120", NOW);

    assertThat(gate.remaining()).isEqualTo(Duration.ofSeconds(120));
  }
}
