package dev.flagrelay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoFeatureFlagProviderOptionsTest {
  private static final String ENDPOINT = "http://localhost:1031";

  private static GoFeatureFlagProviderOptions.Builder builder() {
    return GoFeatureFlagProviderOptions.builder().endpoint(ENDPOINT);
  }

  @Test
  void defaults_equalTheNamedConstants() {
    GoFeatureFlagProviderOptions options = builder().build();

    assertThat(options.timeout()).isEqualTo(GoFeatureFlagProviderOptions.DEFAULT_TIMEOUT);
    assertThat(options.cacheMaximumSize()).isEqualTo(GoFeatureFlagProviderOptions.DEFAULT_CACHE_MAXIMUM_SIZE);
    assertThat(options.cacheTtl()).isEqualTo(GoFeatureFlagProviderOptions.DEFAULT_CACHE_TTL);
    assertThat(options.cacheStaleGracePeriod())
        .isEqualTo(GoFeatureFlagProviderOptions.DEFAULT_CACHE_STALE_GRACE_PERIOD);
    assertThat(options.flagChangePollingInterval())
        .isEqualTo(GoFeatureFlagProviderOptions.DEFAULT_FLAG_CHANGE_POLLING_INTERVAL);
    assertThat(options.dataFlushInterval()).isEqualTo(GoFeatureFlagProviderOptions.DEFAULT_DATA_FLUSH_INTERVAL);
    assertThat(options.maxPendingEvents()).isEqualTo(GoFeatureFlagProviderOptions.DEFAULT_MAX_PENDING_EVENTS);
  }

  @Test
  void defaults_switchesAndCollections() {
    GoFeatureFlagProviderOptions options = builder().build();

    assertThat(options.cacheEnabled()).isTrue();
    assertThat(options.flagChangePollingEnabled()).isTrue();
    assertThat(options.dataCollectionDisabled()).isFalse();
    assertThat(options.apiKey()).isNull();
    assertThat(options.headers()).isEmpty();
    assertThat(options.exporterMetadata()).isEmpty();
    assertThat(options.dataCollectorEndpoint()).isEqualTo(options.endpoint());
  }

  /** GOFF-CFG-003: the §3.1 defaults, so a change of a constant is a visible decision. */
  @Test
  void defaultConstants_haveTheSpecifiedValues() {
    assertThat(GoFeatureFlagProviderOptions.DEFAULT_TIMEOUT).isEqualTo(Duration.ofMillis(10_000));
    assertThat(GoFeatureFlagProviderOptions.DEFAULT_FLAG_CHANGE_POLLING_INTERVAL).isEqualTo(Duration.ofMillis(120_000));
    assertThat(GoFeatureFlagProviderOptions.DEFAULT_DATA_FLUSH_INTERVAL).isEqualTo(Duration.ofMillis(60_000));
    assertThat(GoFeatureFlagProviderOptions.DEFAULT_MAX_PENDING_EVENTS).isEqualTo(10_000);
    assertThat(GoFeatureFlagProviderOptions.DEFAULT_CACHE_MAXIMUM_SIZE).isEqualTo(10_000);
    assertThat(GoFeatureFlagProviderOptions.DEFAULT_CACHE_TTL).isEqualTo(Duration.ofSeconds(60));
    assertThat(GoFeatureFlagProviderOptions.CACHE_NEVER_EXPIRES).isEqualTo(Duration.ofMillis(-1));
  }

  @Test
  void endpoint_missing_failsAtBuildNamingEndpoint() {
    assertThatThrownBy(() -> GoFeatureFlagProviderOptions.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
  }

  @Test
  void endpoint_null_failsNamingEndpoint() {
    assertThatThrownBy(() -> GoFeatureFlagProviderOptions.builder().endpoint(null).build())
        .hasMessageContaining("endpoint");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost:1031",
        "relay.example.com",
        "",
        "ftp://relay.example.com",
        "http://",
        "http:///goff",
        "http://relay.example.com/?env=prod",
        "http://relay.example.com/#top",
        "http://relay example.com",
        "http://relay_proxy:99999",
        "http://relay_proxy:port",
        "http://_:1031/x?y"
      })
  void endpoint_malformed_failsNamingEndpointAndValue(String malformed) {
    assertThatThrownBy(() -> GoFeatureFlagProviderOptions.builder().endpoint(malformed).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint")
        .hasMessageContaining(malformed);
  }

  @Test
  void endpoint_withCredentials_rejectedWithoutEchoingThePassword() {
    assertThatThrownBy(() -> GoFeatureFlagProviderOptions.builder().endpoint("http://me:s3cret@relay:1031").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void endpoint_credentialsBeforeAHostWithAnUnderscore_rejectedWithoutEchoingThePassword() {
    assertThatThrownBy(() -> GoFeatureFlagProviderOptions.builder().endpoint("http://me:s3cret@relay_proxy:1031").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint must not carry credentials")
        .hasMessageNotContaining("s3cret");
  }

  /** A Docker Compose service name: java.net.URI sees no host in it, OkHttp and DNS do. */
  @Test
  void endpoint_hostWithAnUnderscore_accepted() {
    GoFeatureFlagProviderOptions options =
        GoFeatureFlagProviderOptions.builder().endpoint("http://relay_proxy:1031/goff/").build();

    assertThat(options.endpoint()).hasToString("http://relay_proxy:1031/goff");
    assertThat(
            GoFeatureFlagProviderOptions.builder().endpoint(ENDPOINT).dataCollectorBaseUrl("https://collector_1.internal").build()
                .dataCollectorEndpoint())
        .hasToString("https://collector_1.internal");
  }

  @Test
  void endpoint_trailingSlash_removed() {
    assertThat(GoFeatureFlagProviderOptions.builder().endpoint("http://h:1/").build().endpoint())
        .hasToString("http://h:1");
  }

  @Test
  void endpoint_pathPrefix_keptWithoutTrailingSlash() {
    assertThat(GoFeatureFlagProviderOptions.builder().endpoint("http://h:1/goff/").build().endpoint())
        .hasToString("http://h:1/goff");
  }

  @Test
  void endpoint_https_accepted() {
    assertThat(GoFeatureFlagProviderOptions.builder().endpoint("https://relay.example.com/a/b").build().endpoint())
        .hasToString("https://relay.example.com/a/b");
  }

  @Test
  void dataCollectorBaseUrl_replacesTheWholeBaseForTheCollectorOnly() {
    GoFeatureFlagProviderOptions options =
        builder().dataCollectorBaseUrl("https://collector.example.com:8443/events/").build();

    assertThat(options.dataCollectorEndpoint()).hasToString("https://collector.example.com:8443/events");
    assertThat(options.endpoint()).hasToString(ENDPOINT);
  }

  @Test
  void dataCollectorBaseUrl_malformed_failsNamingTheOption() {
    assertThatThrownBy(() -> builder().dataCollectorBaseUrl("ftp://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataCollectorBaseUrl")
        .hasMessageContaining("ftp://x");
  }

  @Test
  void timeout_zero_rejectedNamingTimeout() {
    assertThatThrownBy(() -> builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void timeout_negative_rejectedNamingTimeout() {
    assertThatThrownBy(() -> builder().timeout(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void headers_nullName_rejectedNamingHeaders() {
    Map<String, String> headers = new HashMap<>();
    headers.put(null, "v");

    assertThatThrownBy(() -> builder().headers(headers))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("headers");
  }

  @Test
  void headers_nullValue_rejectedNamingTheHeader() {
    Map<String, String> headers = new HashMap<>();
    headers.put("X-Env", null);

    assertThatThrownBy(() -> builder().headers(headers))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("X-Env");
  }

  @Test
  void headers_callerMapMutatedAfterBuild_optionsUnchanged() {
    Map<String, String> headers = new HashMap<>(Map.of("X-Env", "prod"));
    GoFeatureFlagProviderOptions options = builder().headers(headers).build();

    headers.put("X-Env", "dev");
    headers.put("X-Other", "1");

    assertThat(options.headers()).containsExactly(Map.entry("X-Env", "prod"));
  }

  @Test
  void headers_callerMapNeverWritten() {
    Map<String, String> headers = Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("X-Env", "prod")));

    assertThatCode(() -> builder().headers(headers).build()).doesNotThrowAnyException();
    assertThat(headers).containsExactly(Map.entry("X-Env", "prod"));
  }

  @Test
  void headers_exposedMapIsImmutable() {
    GoFeatureFlagProviderOptions options = builder().header("X-Env", "prod").build();

    assertThatThrownBy(() -> options.headers().put("X-Other", "1"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void exporterMetadata_callerMapMutatedAfterBuild_optionsUnchanged() {
    Map<String, Object> metadata = new HashMap<>(Map.of("env", "prod"));
    GoFeatureFlagProviderOptions options = builder().exporterMetadata(metadata).build();

    metadata.put("env", "dev");
    metadata.put("extra", 1);

    assertThat(options.exporterMetadata()).containsExactly(Map.entry("env", "prod"));
  }

  @Test
  void exporterMetadata_callerMapNeverWritten() {
    Map<String, Object> metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("env", "prod", "n", 1)));

    assertThatCode(() -> builder().exporterMetadata(metadata).build()).doesNotThrowAnyException();
    assertThat(metadata).containsOnly(Map.entry("env", "prod"), Map.entry("n", 1));
  }

  @Test
  void exporterMetadata_scalars_keptWithTheirTypes() {
    GoFeatureFlagProviderOptions options =
        builder().exporterMetadata(Map.of("env", "prod", "beta", true, "shard", 3, "ratio", 0.5)).build();

    assertThat(options.exporterMetadata())
        .containsOnly(Map.entry("env", "prod"), Map.entry("beta", true), Map.entry("shard", 3), Map.entry("ratio", 0.5));
  }

  @Test
  void exporterMetadata_nestedMap_rejectedNamingTheKey() {
    assertThatThrownBy(() -> builder().exporterMetadata(Map.of("team", Map.of("name", "core"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("team");
  }

  @Test
  void exporterMetadata_list_rejectedNamingTheKey() {
    assertThatThrownBy(() -> builder().exporterMetadata(Map.of("regions", List.of("eu", "us"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("regions");
  }

  @Test
  void exporterMetadata_nullValue_rejectedNamingTheKey() {
    Map<String, Object> metadata = new HashMap<>();
    metadata.put("owner", null);

    assertThatThrownBy(() -> builder().exporterMetadata(metadata))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("owner");
  }

  @Test
  void cacheTtl_neverExpires_accepted() {
    assertThat(builder().cacheTtl(GoFeatureFlagProviderOptions.CACHE_NEVER_EXPIRES).build().cacheTtl())
        .isEqualTo(GoFeatureFlagProviderOptions.CACHE_NEVER_EXPIRES);
  }

  @ParameterizedTest
  @ValueSource(longs = {-2, -1000, 0})
  void cacheTtl_otherNonPositive_rejectedNamingCacheTtl(long millis) {
    assertThatThrownBy(() -> builder().cacheTtl(Duration.ofMillis(millis)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheTtl");
  }

  @Test
  void cacheStaleGracePeriod_negative_rejected() {
    assertThatThrownBy(() -> builder().cacheStaleGracePeriod(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheStaleGracePeriod");
  }

  @Test
  void cacheStaleGracePeriod_zero_accepted() {
    assertThat(builder().cacheStaleGracePeriod(Duration.ZERO).build().cacheStaleGracePeriod()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void maxPendingEvents_notPositive_rejectedNamingTheOption(int value) {
    assertThatThrownBy(() -> builder().maxPendingEvents(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPendingEvents")
        .hasMessageContaining(String.valueOf(value));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void cacheMaximumSize_notPositive_rejectedNamingTheOption(int value) {
    assertThatThrownBy(() -> builder().cacheMaximumSize(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheMaximumSize");
  }

  @Test
  void flagChangePollingInterval_zero_rejected() {
    assertThatThrownBy(() -> builder().flagChangePollingInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flagChangePollingInterval");
  }

  @Test
  void dataFlushInterval_negative_rejected() {
    assertThatThrownBy(() -> builder().dataFlushInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataFlushInterval");
  }

  @Test
  void apiKey_empty_meansNone() {
    assertThat(builder().apiKey("").build().apiKey()).isNull();
  }

  @Test
  void toString_neverContainsTheApiKey() {
    GoFeatureFlagProviderOptions options = builder().apiKey("super-secret-key-123").build();

    assertThat(options.toString()).doesNotContain("super-secret-key-123");
  }

  @Test
  void toString_neverContainsHeaderValues() {
    GoFeatureFlagProviderOptions options = builder().header("X-Gateway-Token", "gateway-secret-456").build();

    assertThat(options.toString()).doesNotContain("gateway-secret-456");
  }

  // Issue 11: values OkHttp refuses (or silently turns into "no timeout") are refused at build().

  @Test
  void timeout_belowOneMillisecond_rejectedNamingTimeout() {
    // OkHttp turns a duration that rounds to 0 ms into "no timeout at all".
    assertThatThrownBy(() -> builder().timeout(Duration.ofNanos(999_999)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void timeout_aboveWhatOkHttpAccepts_rejectedNamingTimeout() {
    assertThatThrownBy(() -> builder().timeout(Duration.ofMillis(Integer.MAX_VALUE + 1L)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void timeout_atBothLimits_acceptedByTheHttpClient() {
    for (Duration limit : List.of(Duration.ofMillis(1), GoFeatureFlagProviderOptions.MAX_TIMEOUT)) {
      GoFeatureFlagProviderOptions options = builder().timeout(limit).build();

      assertThatCode(() -> new GoFeatureFlagProvider(options).shutdown()).doesNotThrowAnyException();
    }
  }

  @Test
  void flagChangePollingInterval_belowOneMillisecond_rejected() {
    assertThatThrownBy(() -> builder().flagChangePollingInterval(Duration.ofNanos(500)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flagChangePollingInterval");
  }

  @Test
  void flagChangePollingInterval_aboveTheMaximum_rejected() {
    Duration tooLong = GoFeatureFlagProviderOptions.MAX_FLAG_CHANGE_POLLING_INTERVAL.plusMillis(1);

    assertThatThrownBy(() -> builder().flagChangePollingInterval(tooLong).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flagChangePollingInterval");
    assertThatThrownBy(() -> builder().flagChangePollingInterval(Duration.ofSeconds(Long.MAX_VALUE)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flagChangePollingInterval");
  }

  @Test
  void dataFlushInterval_belowOneMillisecond_rejected() {
    assertThatThrownBy(() -> builder().dataFlushInterval(Duration.ofNanos(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataFlushInterval");
  }

  @Test
  void dataFlushInterval_aboveTheMaximum_rejected() {
    Duration tooLong = GoFeatureFlagProviderOptions.MAX_DATA_FLUSH_INTERVAL.plusMillis(1);

    assertThatThrownBy(() -> builder().dataFlushInterval(tooLong).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataFlushInterval");
  }

  @Test
  void intervals_atTheirMaximum_accepted() {
    assertThatCode(
            () ->
                builder()
                    .flagChangePollingInterval(GoFeatureFlagProviderOptions.MAX_FLAG_CHANGE_POLLING_INTERVAL)
                    .dataFlushInterval(GoFeatureFlagProviderOptions.MAX_DATA_FLUSH_INTERVAL)
                    .build())
        .doesNotThrowAnyException();
  }

  /** The buffer holds twice maxPendingEvents: beyond half of Integer.MAX_VALUE that overflows. */
  @ParameterizedTest
  @ValueSource(ints = {Integer.MAX_VALUE / 2 + 1, Integer.MAX_VALUE})
  void maxPendingEvents_twiceDoesNotFitAnInt_rejectedNamingTheOption(int value) {
    assertThatThrownBy(() -> builder().maxPendingEvents(value).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPendingEvents")
        .hasMessageContaining(String.valueOf(value));
  }

  @Test
  void maxPendingEvents_atTheMaximum_providerBuilds() {
    GoFeatureFlagProviderOptions options = builder().maxPendingEvents(GoFeatureFlagProviderOptions.MAX_PENDING_EVENTS_LIMIT).build();

    assertThatCode(() -> new GoFeatureFlagProvider(options).shutdown()).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"secr\u00e9t-value", "line\nbreak-value", "bell\u0007-value", "del\u007f-value", "snow\u2603-value"})
  void headerValue_thatOkHttpRefuses_rejectedWithoutEchoingTheValue(String value) {
    assertThatThrownBy(() -> builder().header("X-Token", value).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Token")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(value).doesNotContain("-value"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"k\u00e9y-secret", "key-secret\n", "key\u0000-secret", "key-secret ", " key-secret", "key secret"})
  void apiKey_thatCannotBeSentInAHeader_rejectedWithoutEchoingTheKey(String key) {
    assertThatThrownBy(() -> builder().apiKey(key).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apiKey")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret").doesNotContain(key));
  }

  @Test
  void headerValueAndApiKey_everyPrintableAsciiCharacter_acceptedByTheHttpClient() {
    StringBuilder printable = new StringBuilder("\t");
    for (char c = '!'; c <= '~'; c++) {
      printable.append(c);
    }
    GoFeatureFlagProviderOptions options =
        builder().header("X-All", printable.toString()).apiKey(printable.substring(1)).build();

    assertThatCode(() -> new GoFeatureFlagProvider(options).shutdown()).doesNotThrowAnyException();
  }
}
