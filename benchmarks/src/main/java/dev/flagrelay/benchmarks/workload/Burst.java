package dev.flagrelay.benchmarks.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Runs one call on N threads released at the same instant, for the stampede benchmarks. The
 * threads are started once and reused; each burst waits until all N are parked at the gate,
 * opens it, and returns when every call has finished.
 */
public final class Burst implements AutoCloseable {
  private final int threads;
  private final ExecutorService pool;

  public Burst(int threads) {
    this.threads = threads;
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread thread = new Thread(task, "stampede-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Runs {@code call} on every thread at once; returns how many calls returned true. */
  public int run(BooleanSupplier call) throws InterruptedException, ExecutionException {
    CountDownLatch parked = new CountDownLatch(threads);
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<Boolean>> calls = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      calls.add(
          pool.submit(
              () -> {
                parked.countDown();
                gate.await();
                return call.getAsBoolean();
              }));
    }
    parked.await();
    gate.countDown();
    int trueAnswers = 0;
    for (Future<Boolean> answer : calls) {
      if (answer.get()) {
        trueAnswers++;
      }
    }
    return trueAnswers;
  }

  public int threads() {
    return threads;
  }

  @Override
  public void close() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }
}
