package dev.flagrelay.micrometer;

import dev.flagrelay.GoFeatureFlagProvider;
import dev.flagrelay.ProviderStats;
import dev.openfeature.sdk.ErrorCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Registers a {@link GoFeatureFlagProvider}'s {@link GoFeatureFlagProvider#stats() stats} as
 * Micrometer meters: the cache under Micrometer's standard cache names ({@code cache.gets},
 * {@code cache.size}, {@code cache.evictions}, tag {@code cache=flagrelay}), everything else under
 * {@code flagrelay.*}. Every meter reads the provider when the registry asks (nothing is pushed),
 * all meters of one read from one snapshot at most {@link Builder#snapshotMaxAge} old.
 *
 * <pre>{@code
 * FlagRelayMetrics.of(provider).bindTo(registry);
 * }</pre>
 *
 * <p>No meter is tagged by flag key unless {@link Builder#perFlagTags(int)} asks for it: flag keys
 * are unbounded, and a time series per flag can swamp a monitoring system.
 */
public final class FlagRelayMetrics implements MeterBinder {
  /** The {@code cache} tag of the cache meters. */
  public static final String CACHE_NAME = "flagrelay";
  /** Default for {@link Builder#snapshotMaxAge(Duration)}: one second. */
  public static final Duration DEFAULT_SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);
  /** Largest {@link Builder#perFlagTags(int)}. */
  public static final int MAX_FLAG_TAGS = 1000;

  private final Snapshots snapshots;
  private final Tags tags;
  private final int flagTags;
  /** Flags already given their own meters; bounded by {@link #flagTags}. */
  private final Set<String> taggedFlags = ConcurrentHashMap.newKeySet();
  private volatile MeterRegistry registry;

  private FlagRelayMetrics(Builder builder) {
    this.snapshots = new Snapshots(builder.provider, builder.snapshotMaxAge, this::tagNewFlags);
    this.tags = builder.tags;
    this.flagTags = builder.flagTags;
  }

  /** Default settings: no extra tags, no per-flag meters, snapshots up to one second old. */
  public static FlagRelayMetrics of(GoFeatureFlagProvider provider) {
    return builder(provider).build();
  }

  public static Builder builder(GoFeatureFlagProvider provider) {
    return new Builder(provider);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    bindCache(registry);
    bindEvaluations(registry);
    for (ProviderStats.Endpoint endpoint : ProviderStats.Endpoint.values()) {
      bindRelay(registry, endpoint);
    }
    bindCollector(registry);
    bindChangeDetection(registry);
    bindState(registry);
    if (flagTags > 0) {
      tagNewFlags(snapshots.get());
    }
  }

  private void bindCache(MeterRegistry registry) {
    Tags cache = tags.and("cache", CACHE_NAME);
    counter(registry, "cache.gets", cache.and("result", "hit"), s -> s.cache().hits(),
        "Evaluations whose cache lookup found a fresh answer");
    counter(registry, "cache.gets", cache.and("result", "miss"), s -> s.cache().misses(),
        "Evaluations whose cache lookup found no fresh answer");
    gauge(registry, "cache.size", cache, s -> s.cache().size(), "Entries in the cache");
    counter(registry, "cache.evictions", cache, s -> s.cache().evictions(), "Entries evicted for size");
    counter(registry, "flagrelay.cache.invalidations", tags.and("scope", "flag"), s -> s.cache().flagInvalidations(),
        "Flags invalidated because they changed");
    counter(registry, "flagrelay.cache.invalidations", tags.and("scope", "all"), s -> s.cache().wholeInvalidations(),
        "Times the whole cache was dropped");
    counter(registry, "flagrelay.cache.singleflight.joins", tags, s -> s.cache().singleFlightJoins(),
        "Misses that waited for an identical relay call in flight");
  }

  private void bindEvaluations(MeterRegistry registry) {
    String name = "flagrelay.evaluations";
    String description = "Evaluations by outcome";
    counter(registry, name, tags.and("outcome", "cache"), s -> s.evaluations().cache(), description);
    counter(registry, name, tags.and("outcome", "relay"), s -> s.evaluations().relay(), description);
    counter(registry, name, tags.and("outcome", "in_process"), s -> s.evaluations().inProcess(), description);
    counter(registry, name, tags.and("outcome", "stale"), s -> s.evaluations().stale(), description);
    for (ErrorCode code : ErrorCode.values()) {
      counter(registry, name, tags.and("outcome", "error", "error.code", code.name()),
          s -> s.evaluations().errors().getOrDefault(code, 0L), description);
    }
  }

  private void bindRelay(MeterRegistry registry, ProviderStats.Endpoint endpoint) {
    Tags byEndpoint = tags.and("endpoint", lower(endpoint));
    for (ProviderStats.Outcome outcome : ProviderStats.Outcome.values()) {
      counter(registry, "flagrelay.relay.requests", byEndpoint.and("outcome", lower(outcome)),
          s -> s.relayRequests().get(endpoint).count(outcome), "Relay requests by endpoint and outcome");
    }
    FunctionTimer.builder(
            "flagrelay.relay.request.duration",
            snapshots,
            s -> s.get().relayRequests().get(endpoint).latency().count(),
            s -> totalNanos(s.get().relayRequests().get(endpoint).latency()),
            TimeUnit.NANOSECONDS)
        .tags(byEndpoint)
        .description("Relay request durations, every outcome")
        .register(registry);
    timeGauge(registry, "flagrelay.relay.request.duration.max", byEndpoint,
        s -> s.relayRequests().get(endpoint).latency().max(), "Longest relay request");
    timeGauge(registry, "flagrelay.relay.request.duration.percentile", byEndpoint.and("phi", "0.5"),
        s -> s.relayRequests().get(endpoint).latency().p50(), "Median relay request (histogram, within about 6%)");
    timeGauge(registry, "flagrelay.relay.request.duration.percentile", byEndpoint.and("phi", "0.99"),
        s -> s.relayRequests().get(endpoint).latency().p99(), "99th percentile relay request (histogram, within about 6%)");
  }

  private static double totalNanos(ProviderStats.Latency latency) {
    return (double) latency.mean().toNanos() * latency.count();
  }

  private void bindCollector(MeterRegistry registry) {
    gauge(registry, "flagrelay.collector.pending", tags, s -> s.collector().pending(), "Events waiting to be sent");
    String events = "flagrelay.collector.events";
    counter(registry, events, tags.and("result", "sent"), s -> s.collector().sent(), "Events the collector accepted");
    counter(registry, events, tags.and("result", "dropped"), s -> s.collector().dropped(), "Events lost");
    counter(registry, events, tags.and("result", "rejected"), s -> s.collector().rejected(),
        "Events in batches the collector refused");
    counter(registry, "flagrelay.collector.batches.failed", tags, s -> s.collector().failedBatches(),
        "Batches that failed for a transient reason and were kept");
  }

  private void bindChangeDetection(MeterRegistry registry) {
    Tags mode = tags.and("mode", snapshots.get().changeDetection().mode().name().toLowerCase(Locale.ROOT));
    gauge(registry, "flagrelay.change.stream.connected", mode,
        s -> s.changeDetection().streamConnected() ? 1 : 0, "1 while the flag-change stream is connected");
    counter(registry, "flagrelay.change.stream.connects", mode, s -> s.changeDetection().streamConnects(),
        "Flag-change stream connections");
    gauge(registry, "flagrelay.change.consecutive.failures", mode, s -> s.changeDetection().consecutiveFailures(),
        "Change polls or configuration fetches failed in a row");
    Gauge.builder("flagrelay.change.last.sync.age", snapshots, FlagRelayMetrics::secondsSinceLastSync)
        .tags(mode)
        .baseUnit("seconds")
        .description("Seconds since a change poll or configuration fetch was last answered; NaN before the first")
        .strongReference(true)
        .register(registry);
  }

  private static double secondsSinceLastSync(Snapshots snapshots) {
    ProviderStats stats = snapshots.get();
    return stats.changeDetection()
        .lastSuccessfulSync()
        .map(at -> Duration.between(at, stats.takenAt()).toMillis() / 1000.0)
        .orElse(Double.NaN);
  }

  private void bindState(MeterRegistry registry) {
    for (ProviderStats.Status status : ProviderStats.Status.values()) {
      gauge(registry, "flagrelay.provider.state", tags.and("state", lower(status)),
          s -> s.status() == status ? 1 : 0, "1 for the provider's current state, 0 for the others");
    }
  }

  /** Gives each flag invalidated so far its own counter, up to the bound; on the reading thread. */
  private void tagNewFlags(ProviderStats stats) {
    MeterRegistry target = registry;
    if (flagTags == 0 || target == null) {
      return;
    }
    for (String flag : stats.cache().invalidationsByFlag().keySet()) {
      if (taggedFlags.size() >= flagTags) {
        return;
      }
      if (taggedFlags.add(flag)) {
        counter(target, "flagrelay.cache.invalidations.flag", tags.and("flag", flag),
            s -> s.cache().invalidationsByFlag().getOrDefault(flag, 0L), "Invalidations of one flag");
      }
    }
  }

  private void counter(
      MeterRegistry registry, String name, Iterable<Tag> meterTags, ToDoubleFunction<ProviderStats> value, String description) {
    FunctionCounter.builder(name, snapshots, s -> value.applyAsDouble(s.get()))
        .tags(meterTags)
        .description(description)
        .register(registry);
  }

  private void gauge(
      MeterRegistry registry, String name, Iterable<Tag> meterTags, ToDoubleFunction<ProviderStats> value, String description) {
    Gauge.builder(name, snapshots, s -> value.applyAsDouble(s.get()))
        .tags(meterTags)
        .description(description)
        .strongReference(true) // Keeps the snapshots (and the counters' weak references) alive.
        .register(registry);
  }

  private void timeGauge(
      MeterRegistry registry,
      String name,
      Iterable<Tag> meterTags,
      java.util.function.Function<ProviderStats, Duration> value,
      String description) {
    TimeGauge.builder(name, snapshots, TimeUnit.NANOSECONDS, s -> value.apply(s.get()).toNanos())
        .tags(meterTags)
        .description(description)
        .strongReference(true)
        .register(registry);
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** The provider's stats, taken again when the last snapshot is older than the maximum age. */
  static final class Snapshots {
    private final GoFeatureFlagProvider provider;
    private final long maxAgeNanos;
    private final java.util.function.Consumer<ProviderStats> onRefresh;
    private volatile Taken last;

    private record Taken(ProviderStats stats, long nanoTime) {}

    Snapshots(GoFeatureFlagProvider provider, Duration maxAge, java.util.function.Consumer<ProviderStats> onRefresh) {
      this.provider = provider;
      this.maxAgeNanos = maxAge.toNanos();
      this.onRefresh = onRefresh;
    }

    ProviderStats get() {
      long now = System.nanoTime();
      Taken taken = last;
      if (taken == null || now - taken.nanoTime() >= maxAgeNanos) {
        taken = new Taken(provider.stats(), now); // Two readers may both take one: harmless.
        last = taken;
        onRefresh.accept(taken.stats());
      }
      return taken.stats();
    }
  }

  /** Options of {@link FlagRelayMetrics}. */
  public static final class Builder {
    private final GoFeatureFlagProvider provider;
    private Tags tags = Tags.empty();
    private int flagTags;
    private Duration snapshotMaxAge = DEFAULT_SNAPSHOT_MAX_AGE;

    private Builder(GoFeatureFlagProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider == null");
    }

    /** Tags added to every meter (for example the provider's name when there are several). */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = Tags.of(Objects.requireNonNull(tags, "tags == null"));
      return this;
    }

    /**
     * Opt-in: a {@code flagrelay.cache.invalidations.flag} counter tagged {@code flag=<key>} for
     * each of the first {@code maxFlags} flags invalidated (registered as they appear). Default 0
     * (off); at most {@link #MAX_FLAG_TAGS}.
     */
    public Builder perFlagTags(int maxFlags) {
      if (maxFlags < 0 || maxFlags > MAX_FLAG_TAGS) {
        throw new IllegalArgumentException("perFlagTags out of 0.." + MAX_FLAG_TAGS + ": " + maxFlags);
      }
      this.flagTags = maxFlags;
      return this;
    }

    /**
     * How old the snapshot the meters read may be: one registry read (a scrape) takes one
     * snapshot. Default one second; zero takes one for every meter read.
     */
    public Builder snapshotMaxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "snapshotMaxAge == null");
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("snapshotMaxAge < 0: " + maxAge);
      }
      this.snapshotMaxAge = maxAge;
      return this;
    }

    public FlagRelayMetrics build() {
      return new FlagRelayMetrics(this);
    }
  }

}
