package dev.flagrelay.internal.events;

import dev.flagrelay.internal.relay.CollectorEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded ring of collector events that any thread may add to and take from (Dmitry Vyukov's
 * bounded queue): each slot carries a sequence number saying whose turn it is, so a taker never
 * sees a half-written slot and every event is taken by exactly one {@link #poll}.
 *
 * <p>{@link #offer} and {@link #poll} never wait: {@code offer} answers false when the ring is
 * full, {@code poll} null when the oldest event is absent or still being written.
 * {@link #pollWaiting} alone waits, for an event whose writer has claimed its slot and not yet
 * filled it (a few instructions, unless that writer was descheduled): only shutdown's last count
 * uses it. The two ends sit on cache lines of their own, so the thread that adds and the sender
 * that takes do not slow each other down by sharing one.
 */
final class EventRing extends EventRingHead {
  private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(int[].class);

  private final CollectorEvent[] slots;
  /** The position whose turn a slot is: {@code p} to be written at p, {@code p + 1} to be taken. */
  private final int[] sequences;
  private final int mask;

  /** @param size a power of two */
  EventRing(int size) {
    if (Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("ring size is not a power of two: " + size);
    }
    slots = new CollectorEvent[size];
    sequences = new int[size];
    mask = size - 1;
    for (int i = 0; i < size; i++) {
      sequences[i] = i;
    }
  }

  /** The smallest power of two holding {@code count}, at most {@code limit} (a power of two). */
  static int sizeFor(int count, int limit) {
    return count >= limit ? limit : Math.max(2, Integer.highestOneBit(Math.max(1, count - 1)) << 1);
  }

  int capacity() {
    return slots.length;
  }

  /** Adds {@code event} at the tail; false when the ring is full. */
  boolean offer(CollectorEvent event) {
    long position = tail();
    while (true) {
      int index = (int) position & mask;
      int turn = (int) SEQUENCES.getAcquire(sequences, index) - (int) position;
      if (turn == 0) {
        if (casTail(position, position + 1)) {
          slots[index] = event;
          SEQUENCES.setRelease(sequences, index, (int) position + 1);
          return true;
        }
        position = tail();
      } else if (turn < 0) {
        return false; // The slot still holds the event from one lap ago.
      } else {
        position = tail(); // Another writer took this position.
      }
    }
  }

  /** Takes the oldest event; null when there is none, or when it is still being written. */
  CollectorEvent poll() {
    long position = head();
    while (true) {
      int index = (int) position & mask;
      int turn = (int) SEQUENCES.getAcquire(sequences, index) - (int) (position + 1);
      if (turn == 0) {
        if (casHead(position, position + 1)) {
          return take(index, position);
        }
        position = head();
      } else if (turn < 0) {
        return null;
      } else {
        position = head(); // Another taker took this position.
      }
    }
  }

  /**
   * Takes the oldest event, waiting for one whose slot was claimed but is not yet filled; null
   * only when nothing was added that is not taken.
   */
  CollectorEvent pollWaiting() {
    while (true) {
      CollectorEvent event = poll();
      if (event != null || head() >= tail()) {
        return event;
      }
      Thread.onSpinWait();
    }
  }

  private CollectorEvent take(int index, long position) {
    CollectorEvent event = slots[index];
    slots[index] = null;
    SEQUENCES.setRelease(sequences, index, (int) (position + mask + 1));
    return event;
  }

  /** Events added and not taken (those being added or taken right now may or may not count). */
  int size() {
    long head = head();
    return (int) Math.max(0, tail() - head);
  }

  /** For tests: the positions and the sequence at the head. */
  String describe() {
    long head = head();
    return "head " + head + " tail " + tail() + " seq@head " + (int) SEQUENCES.getVolatile(sequences, (int) head & mask);
  }

  /** For tests: the events held, oldest first, read while nothing adds or takes. */
  void copyTo(java.util.List<CollectorEvent> out) {
    for (long p = head(); p < tail(); p++) {
      CollectorEvent event = slots[(int) p & mask];
      if (event != null) {
        out.add(event);
      }
    }
  }
}

/** Padding before the tail, so that it shares no cache line with the object header's neighbours. */
abstract class EventRingPadBeforeTail {
  long p00, p01, p02, p03, p04, p05, p06, p07;
  long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The tail: the next position to be written. */
abstract class EventRingTail extends EventRingPadBeforeTail {
  private static final VarHandle TAIL;

  static {
    try {
      TAIL = MethodHandles.lookup().findVarHandle(EventRingTail.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile long tail;

  final long tail() {
    return tail;
  }

  final boolean casTail(long expected, long next) {
    return TAIL.compareAndSet(this, expected, next);
  }
}

/** Padding between the tail and the head. */
abstract class EventRingPadBetween extends EventRingTail {
  long p16, p17, p18, p19, p20, p21, p22, p23;
  long p24, p25, p26, p27, p28, p29, p30, p31;
}

/** The head: the next position to be taken. */
abstract class EventRingHeadField extends EventRingPadBetween {
  private static final VarHandle HEAD;

  static {
    try {
      HEAD = MethodHandles.lookup().findVarHandle(EventRingHeadField.class, "head", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile long head;

  final long head() {
    return head;
  }

  final boolean casHead(long expected, long next) {
    return HEAD.compareAndSet(this, expected, next);
  }
}

/** Padding after the head, so that the ring's own fields (read-only) share no line with it. */
abstract class EventRingHead extends EventRingHeadField {
  long p32, p33, p34, p35, p36, p37, p38, p39;
  long p40, p41, p42, p43, p44, p45, p46, p47;
}
