package dev.flagrelay.internal.http;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.json.JsonCodec.ErrorBody;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.internal.relay.FlagChangeStream;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RateLimitedException;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayDecodeException;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
import dev.flagrelay.internal.relay.RelayTransportException;
import dev.flagrelay.internal.relay.RelayUnreachableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;

/**
 * {@link RelayClient} over OkHttp. Every request carries the same immutable header template,
 * built once; every call is synchronous on the calling thread and bounded by the call timeout.
 */
public final class OkHttpRelayClient implements RelayClient {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int MAX_CACHED_URLS = 1024;
  /**
   * Idle connections kept to the relay. OkHttp's default of 5 closes every connection beyond the
   * fifth as soon as it is released, so more than five evaluations missing at once open new
   * connections over and over (8 threads opened 180 to 290 per benchmark trial): a TCP handshake,
   * and a new connection for the relay to accept, in the tail of those misses.
   */
  private static final int MAX_IDLE_CONNECTIONS = 16;
  private static final String USER_AGENT = "flagrelay-go-feature-flag-provider/" + version();
  /** Most bytes read of an evaluation or flag-change answer: 10 MiB. */
  static final long MAX_ANSWER_BYTES = 10L * 1024 * 1024;
  /**
   * Most bytes read of an error answer, for its {@code errorCode}: 64 KiB. The relay's are a few
   * dozen bytes; a longer one is a gateway's page, and its status says enough.
   */
  static final long MAX_ERROR_BODY_BYTES = 64L * 1024;
  /** Where {@link #hideRetryAfter} keeps a response's {@code Retry-After}. */
  private static final String RETRY_AFTER_SEEN = "Flagrelay-Retry-After";

  private final OkHttpClient client;
  private final JsonCodec codec;
  private final HttpUrl evaluateBase;
  /**
   * Evaluation URLs by flag key: building one (percent-encoding the key) was about a tenth of
   * the client's CPU per miss. Immutable values; bounded, as flag keys come from callers.
   */
  private final ConcurrentHashMap<String, HttpUrl> evaluateUrls = new ConcurrentHashMap<>();
  private final HttpUrl flagChangeUrl;
  /** The stream's URL: it holds the API key, so it is never printed. */
  private final HttpUrl flagChangeStreamUrl;
  /** The same client without read or call timeout, for the stream; shares pool and dispatcher. */
  private final OkHttpClient streamClient;
  private final Secrets secrets;
  private final HttpUrl configurationUrl;
  private final HttpUrl collectorUrl;
  private final Headers headers;
  private final Duration timeout;
  private final RetryAfterGate gate;
  private final Clock clock;
  /**
   * Closed by a {@code 429} from the data collector, as {@link #gate} is by one from the relay:
   * {@code gate} itself when the collector has the relay's origin (one server asking for a
   * pause), its own otherwise, so that a collector on another host asking for one never silences
   * evaluations, and the reverse.
   */
  private final RetryAfterGate collectorGate;

  /**
   * @param endpoint the relay's base URL (no trailing slash)
   * @param collectorEndpoint the data collector's base URL (no trailing slash)
   * @param apiKey sent as a Bearer token when not null
   * @param extraHeaders sent on every request
   */
  public OkHttpRelayClient(
      URI endpoint,
      URI collectorEndpoint,
      String apiKey,
      Map<String, String> extraHeaders,
      Duration timeout,
      JsonCodec codec) {
    this(endpoint, collectorEndpoint, apiKey, extraHeaders, timeout, codec, null);
  }

  /** For tests: {@code extra}, when not null, runs as an application interceptor on every call. */
  OkHttpRelayClient(
      URI endpoint,
      URI collectorEndpoint,
      String apiKey,
      Map<String, String> extraHeaders,
      Duration timeout,
      JsonCodec codec,
      Interceptor extra) {
    this.codec = codec;
    this.timeout = timeout;
    this.clock = Clock.systemUTC();
    this.gate = new RetryAfterGate(System::nanoTime);
    this.collectorGate =
        sameOrigin(HttpUrl.get(endpoint.toString()), HttpUrl.get(collectorEndpoint.toString()))
            ? gate
            : new RetryAfterGate(System::nanoTime);
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .dispatcher(new Dispatcher())
            .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES))
            .callTimeout(timeout)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .followSslRedirects(false)
            .socketFactory(new NoDelaySocketFactory())
            .addNetworkInterceptor(OkHttpRelayClient::hideRetryAfter);
    if (extra != null) {
      builder.addInterceptor(extra);
    }
    this.client = builder.build();
    HttpUrl base = HttpUrl.get(endpoint.toString());
    this.evaluateBase = base.newBuilder().addPathSegments("ofrep/v1/evaluate/flags").build();
    this.flagChangeUrl = base.newBuilder().addPathSegments("v1/flag/change").build();
    this.flagChangeStreamUrl = streamUrl(base, apiKey);
    this.streamClient = client.newBuilder().readTimeout(Duration.ZERO).callTimeout(Duration.ZERO).build();
    this.secrets = new Secrets(apiKey);
    this.configurationUrl = base.newBuilder().addPathSegments("v1/flag/configuration").build();
    this.collectorUrl =
        HttpUrl.get(collectorEndpoint.toString()).newBuilder().addPathSegments("v1/data/collector").build();
    this.headers = headerTemplate(apiKey, extraHeaders);
  }

  private static HttpUrl streamUrl(HttpUrl base, String apiKey) {
    HttpUrl.Builder url = base.newBuilder().addPathSegments("stream/v1/sse/flag/change");
    if (apiKey != null) {
      url.addQueryParameter("apiKey", apiKey); // The relay reads the key there only.
    }
    return url.build();
  }

  private static Headers headerTemplate(String apiKey, Map<String, String> extraHeaders) {
    Headers.Builder template = new Headers.Builder();
    for (Map.Entry<String, String> header : extraHeaders.entrySet()) {
      template.set(header.getKey(), header.getValue());
    }
    template.set("User-Agent", USER_AGENT);
    template.set("Accept", "application/json");
    if (apiKey != null) {
      template.set("Authorization", "Bearer " + apiKey);
    }
    return template.build();
  }

  /** The header template every request starts from; immutable. */
  public Headers headers() {
    return headers;
  }

  @Override
  public RelayAnswer evaluate(String flagKey, ContextSnapshot context) throws RelayException {
    try (Response response = execute(newEvaluationCall(flagKey, context))) {
      if (response.code() == 200) {
        // Decoded from the buffered body's segments: no copy into an array, no tree.
        return codec.readEvaluation(bufferAnswer(response).inputStream());
      }
      throw failure(response);
    }
  }

  /**
   * A new, not yet executed call evaluating {@code flagKey}: the template headers, the key as one
   * path segment, the body encoded from {@code context}. Public for the concurrency suite.
   */
  public Call newEvaluationCall(String flagKey, ContextSnapshot context) throws RelayException {
    RequestBody body = RequestBody.create(codec.evaluationRequest(context), JSON);
    return client.newCall(new Request.Builder().url(evaluateUrl(flagKey)).headers(headers).post(body).build());
  }

  private HttpUrl evaluateUrl(String flagKey) throws RelayException {
    if (flagKey.equals(".") || flagKey.equals("..")) {
      // A dot segment would be resolved away by every URL parser on the way to the relay.
      throw new RelayHttpException(404, "FLAG_NOT_FOUND", "flag key '" + flagKey + "' cannot be sent as a URL path segment");
    }
    HttpUrl url = evaluateUrls.get(flagKey);
    if (url == null) {
      url = evaluateBase.newBuilder().addPathSegment(flagKey).build();
      if (evaluateUrls.size() < MAX_CACHED_URLS) {
        evaluateUrls.putIfAbsent(flagKey, url);
      }
    }
    return url;
  }

  @Override
  public FlagChanges flagChanges(String etag) throws RelayException {
    Request.Builder request = new Request.Builder().url(flagChangeUrl).headers(headers).get();
    if (etag != null) {
      request.header("If-None-Match", etag);
    }
    try (Response response = execute(client.newCall(request.build()))) {
      if (response.code() == 304) {
        return FlagChanges.NOT_MODIFIED;
      }
      if (response.code() == 200) {
        return codec.readFlagChanges(readAnswer(response), response.header("ETag"));
      }
      throw failure(response);
    }
  }

  /**
   * A new connection to {@code GET /stream/v1/sse/flag/change?apiKey=KEY}: the template headers
   * (a gateway may want them), {@code Accept: text/event-stream}, never {@code Last-Event-ID}.
   * Connecting is bounded by the timeout; reading is not.
   */
  @Override
  public FlagChangeStream flagChangeStream() {
    Request request =
        new Request.Builder()
            .url(flagChangeStreamUrl)
            .headers(headers)
            .header("Accept", "text/event-stream")
            .header("Cache-Control", "no-cache")
            .get()
            .build();
    return new OkHttpFlagChangeStream(streamClient.newCall(request), codec, secrets, MAX_ANSWER_BYTES);
  }

  @Override
  public ConfigurationAnswer flagConfiguration(String etag, List<String> flags) throws RelayException {
    RequestBody body = RequestBody.create(codec.configurationRequest(flags), JSON);
    Request.Builder request = new Request.Builder().url(configurationUrl).headers(headers).post(body);
    if (etag != null) {
      request.header("If-None-Match", etag); // Verbatim, quotes included: the relay matches it exactly.
    }
    try (Response response = execute(client.newCall(request.build()))) {
      if (response.code() == 304) {
        return ConfigurationAnswer.NOT_MODIFIED;
      }
      if (response.code() == 200) {
        return new ConfigurationAnswer.Fetched(readAnswer(response), response.header("ETag"));
      }
      throw failure(response);
    }
  }

  @Override
  public void sendEvents(byte[] envelope, Duration callTimeout) throws RelayException {
    sendEvents(envelope, envelope.length, callTimeout);
  }

  @Override
  public void sendEvents(byte[] envelope, int length, Duration callTimeout) throws RelayException {
    // Written synchronously by execute() below, and never re-sent (no retries): the caller may
    // reuse the array as soon as this returns.
    RequestBody body = new SegmentedBody(envelope, length);
    Request request = new Request.Builder().url(collectorUrl).headers(headers).post(body).build();
    Call call = client.newCall(request);
    Duration limit = callTimeout.compareTo(timeout) < 0 ? callTimeout : timeout;
    call.timeout().timeout(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
    try (Response response = execute(call)) {
      if (!response.isSuccessful()) {
        throw failure(response);
      }
      // Accepted: the answer ({"ingestedContentCount": n}) is not read.
    }
  }

  private static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
  }

  /** The gate of the server {@code url} goes to. */
  private RetryAfterGate gateOf(HttpUrl url) {
    return collectorGate != gate && sameOrigin(url, collectorUrl) ? collectorGate : gate;
  }

  /**
   * Runs {@code call} once. Every way it can fail becomes a {@link RelayException}: OkHttp's
   * declared {@link IOException}s and, as {@link RelayTransportException}, anything it throws
   * undeclared, so no caller ever sees a {@link RuntimeException} from the transport.
   */
  private Response execute(Call call) throws RelayException {
    Duration wait = gateOf(call.request().url()).remaining();
    if (!wait.isNegative() && !wait.isZero()) {
      throw new RateLimitedException(wait);
    }
    try {
      return call.execute();
    } catch (InterruptedIOException e) {
      throw new RelayUnreachableException(
          "relay did not answer within " + timeout.toMillis() + " ms (" + describe(call.request()) + ")", e, true);
    } catch (IOException e) {
      throw new RelayUnreachableException("relay could not be reached: " + e, e, false);
    } catch (RuntimeException e) {
      throw unexpected(call.request(), e);
    }
  }

  private static RelayTransportException unexpected(Request request, RuntimeException e) {
    return new RelayTransportException(
        "relay call failed unexpectedly in the HTTP client (" + describe(request) + "): " + e, e);
  }

  private static String describe(Request request) {
    return request.method() + " " + request.url().encodedPath();
  }

  /** The body of a success answer, at most {@link #MAX_ANSWER_BYTES}. */
  private static byte[] readAnswer(Response response) throws RelayException {
    return bufferAnswer(response).readByteArray();
  }

  /** The whole body of a success answer, buffered, at most {@link #MAX_ANSWER_BYTES}. */
  private static Buffer bufferAnswer(Response response) throws RelayException {
    Buffer body = bufferBounded(response, MAX_ANSWER_BYTES);
    if (body == null) {
      throw new RelayDecodeException(
          "relay's answer is larger than "
              + MAX_ANSWER_BYTES / (1024 * 1024)
              + " MiB (HTTP "
              + response.code()
              + ", "
              + describe(response.request())
              + "); not read",
          null);
    }
    return body;
  }

  /**
   * Reads the body to its end if it holds at most {@code limit} bytes, else returns null having
   * buffered at most {@code limit + 1} bytes (a body that never ends, or announces more, is not
   * read further).
   */
  private static Buffer bufferBounded(Response response, long limit) throws RelayException {
    ResponseBody body = response.body();
    if (body == null) {
      return new Buffer();
    }
    try {
      if (body.contentLength() > limit) {
        return null;
      }
      BufferedSource source = body.source();
      if (source.request(limit + 1)) {
        return null;
      }
      return source.getBuffer();
    } catch (InterruptedIOException e) {
      throw new RelayUnreachableException("relay stopped sending its answer before the timeout ran out", e, true);
    } catch (IOException e) {
      throw new RelayDecodeException("relay's answer was cut short (HTTP " + response.code() + "): " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw unexpected(response.request(), e);
    }
  }

  /**
   * The failure a non-success answer stands for. Its body is read for an error code up to {@link
   * #MAX_ERROR_BODY_BYTES}; a longer one (a gateway's page) leaves the status alone to speak.
   */
  private RelayException failure(Response response) throws RelayException {
    if (response.code() == 429) {
      gateOf(response.request().url()).pause(response.header(RETRY_AFTER_SEEN), clock.instant());
    }
    Buffer body = bufferBounded(response, MAX_ERROR_BODY_BYTES);
    ErrorBody error = body == null ? ErrorBody.NONE : codec.readError(body.readByteArray());
    return new RelayHttpException(response.code(), error.errorCode(), error.details());
  }

  /**
   * Moves {@code Retry-After} out of OkHttp's sight. OkHttp reads it on a 503 by itself: it
   * re-sent the request at once on {@code Retry-After: 0} (a second evaluation, a collector batch
   * posted twice) and threw {@link NumberFormatException} past 2^31. As a network interceptor this
   * runs before that logic sees the answer; the provider reads the value under {@link
   * #RETRY_AFTER_SEEN} for its own 429 handling.
   */
  private static Response hideRetryAfter(Interceptor.Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    String retryAfter = response.header("Retry-After");
    if (retryAfter == null) {
      return response;
    }
    return response.newBuilder().removeHeader("Retry-After").header(RETRY_AFTER_SEEN, retryAfter).build();
  }

  /**
   * Sockets with Nagle's algorithm off. A collector batch is written in many segments; with Nagle
   * on, its last partial segment waited for the ACK of the previous one, which the receiver
   * delays (40 ms on Linux): every batch stalled about 40 ms on loopback (seen in JFR socket
   * reads), capping a busy collector at about 25 batches a second.
   */
  private static final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory sockets = SocketFactory.getDefault();

    @Override
    public Socket createSocket() throws IOException {
      return noDelay(sockets.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return noDelay(sockets.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return noDelay(sockets.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return noDelay(sockets.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return noDelay(sockets.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket socket) throws IOException {
      socket.setTcpNoDelay(true);
      return socket;
    }
  }

  /**
   * A large body written a segment at a time, so okio sends and recycles each segment before
   * taking the next; {@link RequestBody#create(byte[])} would copy the whole array into fresh
   * segments first (about 1 byte allocated per byte sent, on every collector batch).
   */
  private static final class SegmentedBody extends RequestBody {
    private static final int STEP = 8192;
    private final byte[] bytes;
    private final int length;

    SegmentedBody(byte[] bytes, int length) {
      this.bytes = bytes;
      this.length = length;
    }

    @Override
    public MediaType contentType() {
      return JSON;
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      for (int offset = 0; offset < length; offset += STEP) {
        sink.write(bytes, offset, Math.min(STEP, length - offset));
      }
    }
  }

  @Override
  public void close() {
    client.dispatcher().cancelAll();
    client.connectionPool().evictAll();
  }

  private static String version() {
    try (InputStream in = OkHttpRelayClient.class.getResourceAsStream("version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
