package dev.flagrelay.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Leak checks for the provider's background threads. */
public final class GoffThreads {
  private GoffThreads() {}

  /** Names of live threads whose name starts with {@code prefix}. */
  public static List<String> alive(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(prefix))
        .collect(Collectors.toList());
  }

  /** Waits (bounded) until no thread named {@code prefix...} is alive, failing otherwise. */
  public static void awaitNone(String prefix) {
    await("no live thread named " + prefix + "*")
        .atMost(Duration.ofSeconds(5))
        .conditionEvaluationListener(
            condition -> {
              if (condition.getRemainingTimeInMS() <= 0) {
                System.err.println(dump(prefix));
              }
            })
        .until(() -> alive(prefix).isEmpty());
  }

  /** Stack traces of the live threads named {@code prefix...}, for failure messages. */
  public static String dump(String prefix) {
    StringBuilder out = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      if (thread.getName().startsWith(prefix)) {
        out.append(thread.getName()).append(" ").append(thread.getState()).append('\n');
        for (StackTraceElement frame : stack) {
          out.append("    at ").append(frame).append('\n');
        }
      }
    });
    return out.toString();
  }
}
