package dev.flagrelay.testing;

import dev.flagrelay.internal.relay.FlagChangeEvent;
import dev.flagrelay.internal.relay.FlagChangeStream;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A flag-change stream the test writes into: every connection connects, then hands over what
 * {@link #push} and {@link #pushMalformed} put in, until the test ends it ({@link #endConnection})
 * or the provider closes it. Thread-safe.
 */
public final class PushStream implements Supplier<FlagChangeStream> {
  private static final Object END = new Object();

  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger closes = new AtomicInteger();
  private volatile CountDownLatch connected = new CountDownLatch(1);

  /** An event naming {@code flagKeys}, delivered on the current (or next) connection. */
  public void push(String... flagKeys) {
    items.add(new FlagChangeEvent(List.of(flagKeys)));
  }

  /** An event whose data cannot be read. */
  public void pushMalformed(String reason) {
    items.add(reason);
  }

  /** Ends the current connection as a relay shutdown does (EOF). */
  public void endConnection() {
    items.add(END);
  }

  /** Items pushed and not yet handed to a connection. */
  public int pending() {
    return items.size();
  }

  public int connections() {
    return connections.get();
  }

  public int closes() {
    return closes.get();
  }

  /** Waits until the provider has connected at least once. */
  public boolean awaitConnected(long seconds) throws InterruptedException {
    return connected.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public FlagChangeStream get() {
    return new Connection();
  }

  private final class Connection implements FlagChangeStream {
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void connect() {
      connections.incrementAndGet();
      connected.countDown();
    }

    @Override
    public void read(Listener listener) throws RelayException {
      try {
        while (closed.getCount() > 0) {
          Object item = items.poll(5, java.util.concurrent.TimeUnit.MILLISECONDS);
          if (item == END) {
            return;
          } else if (item instanceof FlagChangeEvent event) {
            listener.changed(event);
          } else if (item instanceof String reason) {
            listener.malformed(reason);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new RelayUnreachableException("flag-change stream was closed", null, false);
    }

    @Override
    public void close() {
      if (closed.getCount() > 0) {
        closes.incrementAndGet();
      }
      closed.countDown();
    }
  }
}
