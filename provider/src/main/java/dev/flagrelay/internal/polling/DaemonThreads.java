package dev.flagrelay.internal.polling;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/** Single named daemon threads for the provider's background work. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A one-thread scheduler whose thread is a daemon called {@code name}. */
  public static ScheduledThreadPoolExecutor singleThreadScheduler(String name) {
    ThreadFactory factory =
        runnable -> {
          Thread thread = new Thread(runnable, name);
          thread.setDaemon(true);
          return thread;
        };
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, factory);
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    return executor;
  }
}
