package dev.flagrelay.benchmarks;

import dev.flagrelay.benchmarks.side.Side;
import dev.flagrelay.benchmarks.stub.RelayStub;
import dev.flagrelay.benchmarks.workload.SdkClients;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Live heap held by the cache: 64 threads evaluate 50 flags for 1,000 contexts of five attributes
 * (targeting key, email, company, country, anonymous), every pair twice, against the loopback
 * stub, with {@code cacheMaximumSize(100_000)} and data collection off (so no pending event is
 * counted). Then the heap is collected until it stops shrinking and the live bytes are printed.
 * Run once with the cache on and once off, each in a fresh JVM: the difference divided by the
 * 50,000 cached answers is the cost of one.
 *
 * <p>{@code shared}: the 1,000 contexts are built once and reused, so the cache shares their
 * strings with the application. {@code fresh} (the default): every evaluation builds its context
 * anew, from new strings, as a service does from each request; the cache then keeps the only
 * copy of each context's strings.
 *
 * <pre>java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.flagrelay.benchmarks.CacheMemoryMeasurement on|off [fresh|shared]</pre>
 */
public final class CacheMemoryMeasurement {
  private static final int THREADS = 64;
  private static final int FLAGS = 50;
  private static final int USERS = 1_000;

  private CacheMemoryMeasurement() {}

  public static void main(String[] args) throws Exception {
    boolean cache = args.length == 0 || !args[0].equals("off");
    boolean fresh = args.length < 2 || !args[1].equals("shared");
    EvaluationContext[] users = users();
    String[] flags = new String[FLAGS];
    for (int f = 0; f < FLAGS; f++) {
      flags[f] = "flag-" + f;
    }
    try (RelayStub stub = RelayStub.start()) {
      Client client =
          SdkClients.ready(
              "memory",
              Side.flagrelay(
                  stub,
                  options -> options.cacheEnabled(cache).cacheMaximumSize(100_000).disableDataCollection(true)));
      soak(client, flags, users, fresh);
      long live = liveHeapAfterGc();
      System.out.printf(
          "cache=%s contexts=%s relayEvaluations=%d liveHeapBytes=%d%n",
          cache ? "on" : "off",
          fresh ? "fresh" : "shared",
          stub.evaluations(),
          live);
      // Keep everything the measurement means to count reachable until it is taken.
      if (users.length + flags.length == 0 || client == null) {
        throw new AssertionError();
      }
      Side.shutdownAll();
    }
  }

  private static EvaluationContext[] users() {
    EvaluationContext[] users = new EvaluationContext[USERS];
    for (int u = 0; u < USERS; u++) {
      users[u] = user(u);
    }
    return users;
  }

  /** User {@code u}'s context, built from new strings. */
  private static EvaluationContext user(int u) {
    String key = "user-" + u;
    return new ImmutableContext(
        key,
        Map.of(
            "email", new Value(key + "@example.com"),
            "company", new Value("company-" + (u % 37)),
            "country", new Value(u % 2 == 0 ? "FR" : "DE"),
            "anonymous", new Value(false)));
  }

  /** Each thread takes every 64th (flag, user) pair, twice: a miss, then a hit when caching. */
  private static void soak(Client client, String[] flags, EvaluationContext[] users, boolean fresh)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> done = new ArrayList<>();
    int pairs = FLAGS * USERS;
    for (int t = 0; t < THREADS; t++) {
      int first = t;
      done.add(
          pool.submit(
              () -> {
                for (int round = 0; round < 2; round++) {
                  for (int p = first; p < pairs; p += THREADS) {
                    EvaluationContext context = fresh ? user(p / FLAGS) : users[p / FLAGS];
                    if (!client.getBooleanValue(flags[p % FLAGS], false, context)) {
                      throw new IllegalStateException("not the stub's answer for pair " + p);
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> future : done) {
      future.get();
    }
    pool.shutdown();
  }

  private static long liveHeapAfterGc() throws InterruptedException {
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(Duration.ofMillis(200).toMillis());
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used >= previous) {
        return previous;
      }
      previous = used;
    }
    return previous;
  }
}
