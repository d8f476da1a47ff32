package dev.flagrelay;

import dev.flagrelay.internal.options.HeaderRules;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Immutable configuration of a {@link GoFeatureFlagProvider}, validated when it is built.
 *
 * <p>Every time value is a {@link Duration}; every collection is copied at {@link Builder#build()}
 * and never written to. The API key is never printed by {@link #toString()}.
 */
public final class GoFeatureFlagProviderOptions {
  /** Default for {@link Builder#timeout(Duration)}: 10 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Default for {@link Builder#cacheMaximumSize(int)}: 10 000 entries. */
  public static final int DEFAULT_CACHE_MAXIMUM_SIZE = 10_000;
  /** Default for {@link Builder#cacheTtl(Duration)}: 60 seconds. */
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);
  /** Pass to {@link Builder#cacheTtl(Duration)} for entries that never expire. */
  public static final Duration CACHE_NEVER_EXPIRES = Duration.ofMillis(-1);
  /** Default for {@link Builder#cacheStaleGracePeriod(Duration)}: 5 minutes. */
  public static final Duration DEFAULT_CACHE_STALE_GRACE_PERIOD = Duration.ofMinutes(5);
  /** Default for {@link Builder#flagChangePollingInterval(Duration)}: 120 seconds. */
  public static final Duration DEFAULT_FLAG_CHANGE_POLLING_INTERVAL = Duration.ofSeconds(120);
  /** Default for {@link Builder#dataFlushInterval(Duration)}: 60 seconds. */
  public static final Duration DEFAULT_DATA_FLUSH_INTERVAL = Duration.ofSeconds(60);
  /** Default for {@link Builder#maxPendingEvents(int)}: 10 000 events. */
  public static final int DEFAULT_MAX_PENDING_EVENTS = 10_000;
  /** Largest {@link Builder#timeout(Duration)}: {@code Integer.MAX_VALUE} ms (about 24.8 days), the HTTP client's limit. */
  public static final Duration MAX_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);
  /** Largest {@link Builder#flagChangePollingInterval(Duration)}: one day. */
  public static final Duration MAX_FLAG_CHANGE_POLLING_INTERVAL = Duration.ofDays(1);
  /** Largest {@link Builder#dataFlushInterval(Duration)}: one day. */
  public static final Duration MAX_DATA_FLUSH_INTERVAL = Duration.ofDays(1);
  /** Largest {@link Builder#maxPendingEvents(int)}: the buffer holds twice this many, in an {@code int}. */
  public static final int MAX_PENDING_EVENTS_LIMIT = Integer.MAX_VALUE / 2;

  private static final Duration ONE_MILLISECOND = Duration.ofMillis(1);

  private final URI endpoint;
  private final URI dataCollectorEndpoint;
  private final String apiKey;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final boolean cacheEnabled;
  private final int cacheMaximumSize;
  private final Duration cacheTtl;
  private final Duration cacheStaleGracePeriod;
  private final Duration flagChangePollingInterval;
  private final FlagChangeDetection flagChangeDetection;
  private final Map<String, Object> exporterMetadata;
  private final Duration dataFlushInterval;
  private final int maxPendingEvents;
  private final boolean dataCollectionDisabled;
  private final EvaluationMode evaluationMode;
  private final List<String> evaluationFlagList;

  private GoFeatureFlagProviderOptions(Builder builder) {
    this.endpoint = builder.endpoint;
    this.dataCollectorEndpoint =
        builder.dataCollectorEndpoint != null ? builder.dataCollectorEndpoint : builder.endpoint;
    this.apiKey = builder.apiKey;
    this.timeout = builder.timeout;
    this.headers = Map.copyOf(builder.headers);
    this.cacheEnabled = builder.cacheEnabled;
    this.cacheMaximumSize = builder.cacheMaximumSize;
    this.cacheTtl = builder.cacheTtl;
    this.cacheStaleGracePeriod = builder.cacheStaleGracePeriod;
    this.flagChangePollingInterval = builder.flagChangePollingInterval;
    this.flagChangeDetection = builder.resolvedFlagChangeDetection();
    this.exporterMetadata = Map.copyOf(builder.exporterMetadata);
    this.dataFlushInterval = builder.dataFlushInterval;
    this.maxPendingEvents = builder.maxPendingEvents;
    this.dataCollectionDisabled = builder.dataCollectionDisabled;
    this.evaluationMode = builder.evaluationMode;
    this.evaluationFlagList = List.copyOf(builder.evaluationFlagList);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The relay proxy's base URL, without a trailing slash; its path prefix is kept. */
  public URI endpoint() {
    return endpoint;
  }

  /** The base URL of the data collector; {@link #endpoint()} unless set. */
  public URI dataCollectorEndpoint() {
    return dataCollectorEndpoint;
  }

  /** The API key sent as a Bearer token, or null when none is set. */
  public String apiKey() {
    return apiKey;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Extra headers sent on every request; immutable. */
  public Map<String, String> headers() {
    return headers;
  }

  public boolean cacheEnabled() {
    return cacheEnabled;
  }

  public int cacheMaximumSize() {
    return cacheMaximumSize;
  }

  /** How long a cached answer is fresh; {@link #CACHE_NEVER_EXPIRES} for no expiry. */
  public Duration cacheTtl() {
    return cacheTtl;
  }

  public Duration cacheStaleGracePeriod() {
    return cacheStaleGracePeriod;
  }

  public Duration flagChangePollingInterval() {
    return flagChangePollingInterval;
  }

  /** How flag changes are followed; {@link FlagChangeDetection#STREAM} unless set. */
  public FlagChangeDetection flagChangeDetection() {
    return flagChangeDetection;
  }

  /**
   * Whether {@code GET /v1/flag/change} is polled: true for {@link FlagChangeDetection#STREAM}
   * (the safety net) and {@link FlagChangeDetection#POLLING}.
   *
   * @deprecated since 0.1.0, use {@link #flagChangeDetection()}; removed in 1.0.0.
   */
  @Deprecated(since = "0.1.0", forRemoval = true)
  public boolean flagChangePollingEnabled() {
    return flagChangeDetection != FlagChangeDetection.NONE;
  }

  /** Static fields added to the collector's {@code meta} and sent with remote evaluations. */
  public Map<String, Object> exporterMetadata() {
    return exporterMetadata;
  }

  public Duration dataFlushInterval() {
    return dataFlushInterval;
  }

  public int maxPendingEvents() {
    return maxPendingEvents;
  }

  public boolean dataCollectionDisabled() {
    return dataCollectionDisabled;
  }

  /** Where flags are evaluated; {@link EvaluationMode#REMOTE} unless set. */
  public EvaluationMode evaluationMode() {
    return evaluationMode;
  }

  /** In {@link EvaluationMode#IN_PROCESS}, the only flags fetched; empty for all. Immutable. */
  public List<String> evaluationFlagList() {
    return evaluationFlagList;
  }

  @Override
  public String toString() {
    return "GoFeatureFlagProviderOptions{endpoint="
        + endpoint
        + ", dataCollectorEndpoint="
        + dataCollectorEndpoint
        + ", apiKey="
        + (apiKey == null ? "unset" : "***")
        + ", timeout="
        + timeout
        + ", headers="
        + headers.keySet()
        + ", cacheEnabled="
        + cacheEnabled
        + ", cacheMaximumSize="
        + cacheMaximumSize
        + ", cacheTtl="
        + cacheTtl
        + ", cacheStaleGracePeriod="
        + cacheStaleGracePeriod
        + ", flagChangeDetection="
        + flagChangeDetection
        + ", flagChangePollingInterval="
        + (flagChangeDetection != FlagChangeDetection.NONE ? flagChangePollingInterval : "disabled")
        + ", exporterMetadata="
        + exporterMetadata
        + ", dataFlushInterval="
        + dataFlushInterval
        + ", maxPendingEvents="
        + maxPendingEvents
        + ", dataCollectionDisabled="
        + dataCollectionDisabled
        + ", evaluationMode="
        + evaluationMode
        + ", evaluationFlagList="
        + evaluationFlagList
        + '}';
  }

  /** Collects and checks options; {@link #build()} fails on the first one that is wrong. */
  public static final class Builder {
    /** Dot-separated labels of letters, digits, '-' and '_', at least one '_'; an optional port. */
    private static final Pattern HOST_WITH_UNDERSCORE =
        Pattern.compile("((?=[^:]*_)[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*)(?::([0-9]{1,5}))?");

    private URI endpoint;
    private String rawEndpoint;
    private URI dataCollectorEndpoint;
    private String apiKey;
    private Duration timeout = DEFAULT_TIMEOUT;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private boolean cacheEnabled = true;
    private int cacheMaximumSize = DEFAULT_CACHE_MAXIMUM_SIZE;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private Duration cacheStaleGracePeriod = DEFAULT_CACHE_STALE_GRACE_PERIOD;
    private Duration flagChangePollingInterval = DEFAULT_FLAG_CHANGE_POLLING_INTERVAL;
    /** Null until {@link #flagChangeDetection} is called: {@link FlagChangeDetection#STREAM}. */
    private FlagChangeDetection flagChangeDetection;
    /** Null until the deprecated {@link #flagChangePollingEnabled} is called. */
    private Boolean flagChangePollingEnabled;
    private final Map<String, Object> exporterMetadata = new LinkedHashMap<>();
    private Duration dataFlushInterval = DEFAULT_DATA_FLUSH_INTERVAL;
    private int maxPendingEvents = DEFAULT_MAX_PENDING_EVENTS;
    private boolean dataCollectionDisabled;
    private EvaluationMode evaluationMode = EvaluationMode.REMOTE;
    private final List<String> evaluationFlagList = new ArrayList<>();
    /** Options set that mean something in {@link EvaluationMode#REMOTE} only, in the order set. */
    private final Set<String> remoteOnlySet = new LinkedHashSet<>();
    private boolean evaluationFlagListSet;

    private Builder() {}

    /**
     * Required. The relay proxy's base URL, {@code http} or {@code https}, such as {@code
     * http://localhost:1031}. A path prefix ({@code https://host/goff/}) is kept.
     */
    public Builder endpoint(String endpoint) {
      this.rawEndpoint = endpoint;
      this.endpoint = parseBaseUrl("endpoint", endpoint);
      return this;
    }

    /**
     * Base URL for the data collector only (scheme, host, port and path prefix); defaults to
     * {@link #endpoint(String)}. Auth, headers and timeout are the same as for the relay.
     */
    public Builder dataCollectorBaseUrl(String url) {
      this.dataCollectorEndpoint = parseBaseUrl("dataCollectorBaseUrl", url);
      return this;
    }

    /**
     * API key sent as {@code Authorization: Bearer <key>}; none when null or empty (default).
     * Visible ASCII characters only (no whitespace or control characters): anything else cannot
     * be sent in an HTTP header. The key never appears in a message.
     */
    public Builder apiKey(String apiKey) {
      if (apiKey != null) {
        int bad = HeaderRules.invalidTokenIndex(apiKey);
        if (bad >= 0) {
          throw new IllegalArgumentException(
              "apiKey has a character an HTTP header cannot carry (whitespace, control or non-ASCII) at index " + bad);
        }
      }
      this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
      return this;
    }

    /**
     * Limit for every HTTP request (connect, write, read together). Default 10 s; from 1 ms to
     * {@link #MAX_TIMEOUT} (the HTTP client reads a limit that rounds to 0 ms as no limit at all).
     */
    public Builder timeout(Duration timeout) {
      this.timeout = requireMillis("timeout", timeout, MAX_TIMEOUT);
      return this;
    }

    /** Extra headers sent on every request. Default none. The map is copied. */
    public Builder headers(Map<String, String> headers) {
      Objects.requireNonNull(headers, "headers == null");
      for (Map.Entry<String, String> header : headers.entrySet()) {
        header(header.getKey(), header.getValue());
      }
      return this;
    }

    /** Adds one extra header sent on every request. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "headers: header name == null");
      Objects.requireNonNull(value, () -> "headers: value of header '" + name + "' == null");
      checkHeaderName(name);
      checkHeaderValue(name, value);
      headers.put(name, value);
      return this;
    }

    /** Whether answers the relay marks cacheable are kept locally. Default true. */
    public Builder cacheEnabled(boolean cacheEnabled) {
      remoteOnlySet.add("cacheEnabled");
      this.cacheEnabled = cacheEnabled;
      return this;
    }

    /** Most entries the cache holds. Default 10 000; must be > 0. */
    public Builder cacheMaximumSize(int cacheMaximumSize) {
      if (cacheMaximumSize <= 0) {
        throw new IllegalArgumentException("cacheMaximumSize <= 0: " + cacheMaximumSize);
      }
      remoteOnlySet.add("cacheMaximumSize");
      this.cacheMaximumSize = cacheMaximumSize;
      return this;
    }

    /**
     * How long a cached answer is served before the relay is asked again. Default 60 s; must be
     * > 0, or {@link #CACHE_NEVER_EXPIRES}.
     */
    public Builder cacheTtl(Duration cacheTtl) {
      Objects.requireNonNull(cacheTtl, "cacheTtl == null");
      this.cacheTtl =
          cacheTtl.equals(CACHE_NEVER_EXPIRES) ? cacheTtl : requirePositive("cacheTtl", cacheTtl);
      remoteOnlySet.add("cacheTtl");
      return this;
    }

    /**
     * How long past its TTL a cached answer may still be served (reason {@code STALE}) while the
     * relay cannot be reached. Default 5 minutes; zero turns stale answers off.
     */
    public Builder cacheStaleGracePeriod(Duration gracePeriod) {
      Objects.requireNonNull(gracePeriod, "cacheStaleGracePeriod == null");
      if (gracePeriod.isNegative()) {
        throw new IllegalArgumentException("cacheStaleGracePeriod < 0: " + gracePeriod);
      }
      this.cacheStaleGracePeriod = gracePeriod;
      remoteOnlySet.add("cacheStaleGracePeriod");
      return this;
    }

    /**
     * Period of the flag-change poll ({@code GET /v1/flag/change}), with up to 10% jitter added.
     * Default 120 s; from 1 ms to {@link #MAX_FLAG_CHANGE_POLLING_INTERVAL}.
     */
    public Builder flagChangePollingInterval(Duration interval) {
      this.flagChangePollingInterval =
          requireMillis("flagChangePollingInterval", interval, MAX_FLAG_CHANGE_POLLING_INTERVAL);
      return this;
    }

    /**
     * How the provider follows flag changes on the relay. Default {@link
     * FlagChangeDetection#STREAM}: the relay's event stream (v1.53.0+), with {@code GET
     * /v1/flag/change} polled every {@link #flagChangePollingInterval(Duration)} as the safety
     * net; {@link FlagChangeDetection#POLLING}: polling only; {@link FlagChangeDetection#NONE}:
     * off (no change, stale or recovery events; cached answers live until their TTL). Calling it
     * again replaces the value. Contradicting {@link #flagChangePollingEnabled(boolean)} fails at
     * {@link #build()}.
     */
    public Builder flagChangeDetection(FlagChangeDetection detection) {
      this.flagChangeDetection = Objects.requireNonNull(detection, "flagChangeDetection == null");
      return this;
    }

    /**
     * The former switch, kept as an alias: {@code false} means {@link FlagChangeDetection#NONE};
     * {@code true} means change detection on, {@link FlagChangeDetection#STREAM} unless {@link
     * #flagChangeDetection(FlagChangeDetection)} chose {@link FlagChangeDetection#POLLING}. Set
     * together with {@code flagChangeDetection}, the two must agree ({@code false} with {@code
     * NONE}, {@code true} with {@code STREAM} or {@code POLLING}); otherwise {@link #build()}
     * fails naming both.
     *
     * @deprecated since 0.1.0, use {@link #flagChangeDetection(FlagChangeDetection)}: {@code
     *     false} becomes {@code NONE}, {@code true} needs nothing (or {@code POLLING} for the old
     *     polling-only behaviour). Removed in 1.0.0.
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public Builder flagChangePollingEnabled(boolean enabled) {
      this.flagChangePollingEnabled = enabled;
      return this;
    }

    /** The detection both switches agree on; throws when they contradict each other. */
    private FlagChangeDetection resolvedFlagChangeDetection() {
      if (flagChangePollingEnabled == null) {
        return flagChangeDetection != null ? flagChangeDetection : FlagChangeDetection.STREAM;
      }
      boolean on = flagChangePollingEnabled;
      if (flagChangeDetection == null) {
        return on ? FlagChangeDetection.STREAM : FlagChangeDetection.NONE;
      }
      if (on == (flagChangeDetection == FlagChangeDetection.NONE)) {
        throw new IllegalArgumentException(
            "flagChangePollingEnabled("
                + on
                + ") contradicts flagChangeDetection("
                + flagChangeDetection
                + "); flagChangePollingEnabled is deprecated: set flagChangeDetection alone");
      }
      return flagChangeDetection;
    }

    /**
     * Static fields for the collector's {@code meta} and for the relay's own exports. Values
     * must be strings, booleans or numbers. Default none. The map is copied.
     */
    public Builder exporterMetadata(Map<String, ?> metadata) {
      Objects.requireNonNull(metadata, "exporterMetadata == null");
      for (Map.Entry<String, ?> entry : metadata.entrySet()) {
        String key = Objects.requireNonNull(entry.getKey(), "exporterMetadata: key == null");
        Object value = entry.getValue();
        if (!(value instanceof String || value instanceof Boolean || value instanceof Number)) {
          throw new IllegalArgumentException(
              "exporterMetadata: value of '"
                  + key
                  + "' must be a string, boolean or number: "
                  + (value == null ? "null" : value.getClass().getName()));
        }
        exporterMetadata.put(key, value);
      }
      return this;
    }

    /**
     * How often recorded events are sent to the collector. Default 60 s; from 1 ms to {@link
     * #MAX_DATA_FLUSH_INTERVAL}.
     */
    public Builder dataFlushInterval(Duration interval) {
      this.dataFlushInterval = requireMillis("dataFlushInterval", interval, MAX_DATA_FLUSH_INTERVAL);
      return this;
    }

    /**
     * Events queued before a flush starts early; the buffer holds at most twice this and drops
     * the oldest beyond. Default 10 000; from 1 to {@link #MAX_PENDING_EVENTS_LIMIT}.
     */
    public Builder maxPendingEvents(int maxPendingEvents) {
      if (maxPendingEvents <= 0) {
        throw new IllegalArgumentException("maxPendingEvents <= 0: " + maxPendingEvents);
      }
      if (maxPendingEvents > MAX_PENDING_EVENTS_LIMIT) {
        throw new IllegalArgumentException(
            "maxPendingEvents > " + MAX_PENDING_EVENTS_LIMIT + " (the buffer holds twice as many): " + maxPendingEvents);
      }
      this.maxPendingEvents = maxPendingEvents;
      return this;
    }

    /** Turns off feature and tracking events. Default false. */
    public Builder disableDataCollection(boolean disabled) {
      this.dataCollectionDisabled = disabled;
      return this;
    }

    /**
     * Where flags are evaluated. Default {@link EvaluationMode#REMOTE}: every evaluation asks the
     * relay, with a local cache. {@link EvaluationMode#IN_PROCESS}: the configuration is fetched
     * from the relay ({@code POST /v1/flag/configuration}), refreshed every {@link
     * #flagChangePollingInterval(Duration)}, and flags are evaluated locally. The cache options
     * mean nothing in process (nothing is cached: the configuration is) and {@link #build()}
     * refuses them there; {@link #evaluationFlagList(Collection)} means nothing remotely.
     */
    public Builder evaluationMode(EvaluationMode mode) {
      this.evaluationMode = Objects.requireNonNull(mode, "evaluationMode == null");
      return this;
    }

    /**
     * In {@link EvaluationMode#IN_PROCESS}, the only flags fetched from the relay (others answer
     * {@code FLAG_NOT_FOUND}). Default empty: every flag. Keys must not be null or empty; the
     * collection is copied, duplicates dropped. Refused by {@link #build()} in {@code REMOTE}.
     */
    public Builder evaluationFlagList(Collection<String> flagKeys) {
      Objects.requireNonNull(flagKeys, "evaluationFlagList == null");
      Set<String> keys = new LinkedHashSet<>();
      for (String key : flagKeys) {
        if (key == null || key.isEmpty()) {
          throw new IllegalArgumentException("evaluationFlagList: a flag key is " + (key == null ? "null" : "empty"));
        }
        keys.add(key);
      }
      evaluationFlagList.clear();
      evaluationFlagList.addAll(keys);
      evaluationFlagListSet = true;
      return this;
    }

    public GoFeatureFlagProviderOptions build() {
      if (endpoint == null) {
        throw new IllegalArgumentException(
            rawEndpoint == null ? "endpoint is required" : "endpoint is invalid: " + rawEndpoint);
      }
      if (evaluationMode == EvaluationMode.IN_PROCESS && !remoteOnlySet.isEmpty()) {
        throw new IllegalArgumentException(
            String.join(", ", remoteOnlySet)
                + " applies to evaluationMode REMOTE only: IN_PROCESS evaluates locally and caches nothing");
      }
      if (evaluationMode == EvaluationMode.REMOTE && evaluationFlagListSet) {
        throw new IllegalArgumentException(
            "evaluationFlagList applies to evaluationMode IN_PROCESS only: REMOTE asks the relay for each flag");
      }
      return new GoFeatureFlagProviderOptions(this);
    }

    private static URI parseBaseUrl(String option, String url) {
      Objects.requireNonNull(url, () -> option + " == null");
      URI uri;
      try {
        uri = new URI(url.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(option + " is not a URL: " + url, e);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException(option + " must be an http or https URL: " + url);
      }
      String authority = uri.getRawAuthority();
      if (authority == null || authority.isEmpty()) {
        throw new IllegalArgumentException(option + " has no host: " + url);
      }
      int credentialsEnd = authority.lastIndexOf('@');
      if (credentialsEnd >= 0) { // Checked on the authority: URI has no user info for a host with '_'.
        throw new IllegalArgumentException(
            option + " must not carry credentials; use apiKey: " + authority.substring(credentialsEnd + 1));
      }
      if ((uri.getHost() == null || uri.getHost().isEmpty()) && !isHostWithUnderscore(authority)) {
        throw new IllegalArgumentException(option + " has no host: " + url);
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(option + " must not have a query or fragment: " + url);
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      try {
        return new URI(scheme + "://" + uri.getRawAuthority() + path);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(option + " is not a URL: " + url, e);
      }
    }

    /**
     * A host name with an underscore (a Docker Compose service such as {@code relay_proxy}), which
     * {@link URI} reads as a registry authority without a host, and OkHttp and DNS accept; an
     * optional port within range.
     */
    private static boolean isHostWithUnderscore(String authority) {
      Matcher hostAndPort = HOST_WITH_UNDERSCORE.matcher(authority);
      return hostAndPort.matches()
          && (hostAndPort.group(2) == null || Integer.parseInt(hostAndPort.group(2)) <= 65_535);
    }

    private static Duration requirePositive(String option, Duration value) {
      Objects.requireNonNull(value, () -> option + " == null");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(option + " <= 0: " + value);
      }
      return value;
    }

    /** {@code value} if it is at least 1 ms (not rounded to 0) and at most {@code max}. */
    private static Duration requireMillis(String option, Duration value, Duration max) {
      requirePositive(option, value);
      if (value.compareTo(ONE_MILLISECOND) < 0) {
        throw new IllegalArgumentException(option + " < 1 ms (it would round to 0 ms): " + value);
      }
      if (value.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " > " + max + ": " + value);
      }
      return value;
    }

    private static void checkHeaderName(String name) {
      if (name.isEmpty()) {
        throw new IllegalArgumentException("headers: header name is empty");
      }
      if (HeaderRules.invalidNameIndex(name) >= 0) {
        throw new IllegalArgumentException("headers: invalid character in header name: " + name);
      }
    }

    private static void checkHeaderValue(String name, String value) {
      int bad = HeaderRules.invalidValueIndex(value);
      if (bad >= 0) {
        throw new IllegalArgumentException(
            "headers: value of header '"
                + name
                + "' has a character an HTTP header cannot carry (control or non-ASCII) at index "
                + bad);
      }
    }
  }
}
