package dev.flagrelay.benchmarks.workload;

import dev.flagrelay.benchmarks.stub.RelayStub;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * CPU time of the whole benchmark process (client, stub and the kernel's loopback work for both)
 * per relay request, over one measurement iteration. Unlike latency it does not count time spent
 * waiting for a core, so it still compares two sides on a machine other work keeps busy.
 */
public final class ProcessCpu {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final RelayStub stub;
  private long cpuAtStart;
  private long requestsAtStart;

  public ProcessCpu(RelayStub stub) {
    this.stub = stub;
  }

  /** Starts counting, at the beginning of an iteration. */
  public void start() {
    cpuAtStart = os.getProcessCpuTime();
    requestsAtStart = stub.evaluations();
  }

  /** One line for the log, {@code cpu per request: 12.34 us (n requests)}, since {@link #start()}. */
  public String report() {
    long requests = stub.evaluations() - requestsAtStart;
    double micros = (os.getProcessCpuTime() - cpuAtStart) / 1e3 / Math.max(1, requests);
    return String.format(Locale.ROOT, "cpu per request: %.2f us (%d requests)", micros, requests);
  }
}
