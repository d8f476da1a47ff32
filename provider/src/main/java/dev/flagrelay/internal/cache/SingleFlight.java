package dev.flagrelay.internal.cache;

import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Makes concurrent misses for one key share one relay call. The first caller (the leader) makes
 * the call on its own thread; the others wait for its outcome, bounded by the timeout. A failure
 * reaches every waiter, except one caused by interrupting the leader: an interrupt belongs to the
 * interrupted thread, so the leader alone fails (keeping its interrupt flag) and abandons the
 * flight, and its waiters start over (one of them leads a new call). A flight started before an
 * invalidation is not joined by callers that arrive after it: they start a new one.
 */
public final class SingleFlight {
  private final ConcurrentHashMap<CacheKey, Flight> flights = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  /** Callers that joined another caller's flight instead of calling the relay. */
  private final LongAdder joins = new LongAdder();
  private final EvaluationCache cache;
  private final Duration maxWait;

  public SingleFlight(EvaluationCache cache, Duration maxWait) {
    this.cache = cache;
    this.maxWait = maxWait;
  }

  /** What a leader does: call the relay, and cache the answer if it may. */
  @FunctionalInterface
  public interface Call {
    RelayAnswer run() throws RelayException;
  }

  /**
   * An answer; whether it came from the cache rather than from a relay call; and whether this
   * caller waited for another's call (the relay then saw one evaluation for several callers).
   */
  public record Loaded(RelayAnswer answer, boolean fromCache, boolean shared) {}

  /**
   * Returns the answer of the one call made for {@code key}, by this thread or another, or the
   * cached answer a call that finished just before this one stored.
   */
  public Loaded load(CacheKey key, Call call) throws RelayException {
    while (true) {
      Flight running = flights.get(key);
      if (running != null && cache.isCurrent(running.stamp)) {
        Loaded shared = await(running);
        if (shared != null) {
          return shared;
        }
        continue; // Its leader was interrupted and abandoned it: start over.
      }
      Flight mine = new Flight(cache.stamp(key.flagKey()));
      boolean leader =
          running == null ? flights.putIfAbsent(key, mine) == null : flights.replace(key, running, mine);
      if (leader) {
        return lead(key, mine, call);
      }
    }
  }

  private Loaded lead(CacheKey key, Flight flight, Call call) throws RelayException {
    try {
      Loaded loaded = cachedOrCall(key, flight, call);
      flight.result.complete(loaded);
      return loaded;
    } catch (RelayException | RuntimeException | Error e) {
      if (Thread.currentThread().isInterrupted()) {
        abandon(key, flight); // The failure is this thread's own (OkHttp: "interrupted").
      } else {
        flight.result.completeExceptionally(e);
      }
      throw e;
    } finally {
      flights.remove(key, flight);
    }
  }

  /**
   * Takes the flight out of the map, then releases its waiters with no outcome (null), so that
   * none of them finds it again when it starts over.
   */
  private void abandon(CacheKey key, Flight flight) {
    flights.remove(key, flight);
    flight.result.complete(null);
  }

  /**
   * Looks in the cache again first: a caller that missed just before the previous leader stored
   * its answer and left must not make a second relay call (the stress suite caught that gap).
   */
  private Loaded cachedOrCall(CacheKey key, Flight flight, Call call) throws RelayException {
    EvaluationCache.Lookup cached = cache.get(key);
    if (cached != null && cached.fresh()) {
      return new Loaded(cached.answer(), true, false);
    }
    RelayAnswer answer = call.run();
    if (answer.cacheable()) {
      cache.put(key, answer, flight.stamp);
    }
    return new Loaded(answer, false, false);
  }

  /** The leader's outcome as this waiter's, or null when the leader abandoned the flight. */
  private Loaded await(Flight flight) throws RelayException {
    try {
      waiting.incrementAndGet();
      joins.increment();
      Loaded leaders;
      try {
        leaders = flight.result.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
      } finally {
        waiting.decrementAndGet();
      }
      return leaders == null ? null : new Loaded(leaders.answer(), leaders.fromCache(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RelayUnreachableException("interrupted while waiting for the same evaluation in flight", e, false);
    } catch (TimeoutException e) {
      throw new RelayUnreachableException(
          "the same evaluation in flight did not finish within " + maxWait.toMillis() + " ms", e, true);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RelayException relay) {
        throw relay;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw (Error) cause;
    }
  }

  /** Callers waiting for another caller's flight; for tests. */
  public int waiters() {
    return waiting.get();
  }

  /** Times a caller joined another caller's flight (a join of an abandoned flight counts too). */
  public long joins() {
    return joins.sum();
  }

  /** Flights in progress; for tests. */
  public int inFlight() {
    return flights.size();
  }

  private static final class Flight {
    final Generations.Stamp stamp;
    /** The leader's outcome; completed with null when the leader was interrupted (abandoned). */
    final CompletableFuture<Loaded> result = new CompletableFuture<>();

    Flight(Generations.Stamp stamp) {
      this.stamp = stamp;
    }
  }
}
