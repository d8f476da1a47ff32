package dev.flagrelay.internal.http;

import dev.flagrelay.internal.context.ContextSnapshot;
import dev.flagrelay.internal.json.JsonCodec;
import dev.flagrelay.internal.json.JsonCodec.ErrorBody;
import dev.flagrelay.internal.relay.ConfigurationAnswer;
import dev.flagrelay.internal.relay.FlagChanges;
import dev.flagrelay.internal.relay.RateLimitedException;
import dev.flagrelay.internal.relay.RelayAnswer;
import dev.flagrelay.internal.relay.RelayClient;
import dev.flagrelay.internal.relay.RelayDecodeException;
import dev.flagrelay.internal.relay.RelayException;
import dev.flagrelay.internal.relay.RelayHttpException;
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
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;

/**
 * {@link RelayClient} over OkHttp. Every request carries the same immutable header template,
 * built once; every call is synchronous on the calling thread and bounded by the call timeout.
 */
public final class OkHttpRelayClient implements RelayClient {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int MAX_CACHED_URLS = 1024;
  private static final String USER_AGENT = "flagrelay-go-feature-flag-provider/" + version();

  private final OkHttpClient client;
  private final JsonCodec codec;
  private final HttpUrl evaluateBase;
  /**
   * Evaluation URLs by flag key: building one (percent-encoding the key) was about a tenth of
   * the client's CPU per miss. Immutable values; bounded, as flag keys come from callers.
   */
  private final ConcurrentHashMap<String, HttpUrl> evaluateUrls = new ConcurrentHashMap<>();
  private final HttpUrl flagChangeUrl;
  private final HttpUrl configurationUrl;
  private final HttpUrl collectorUrl;
  private final Headers headers;
  private final Duration timeout;
  private final RetryAfterGate gate;
  private final Clock clock;

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
    this.codec = codec;
    this.timeout = timeout;
    this.clock = Clock.systemUTC();
    this.gate = new RetryAfterGate(System::nanoTime);
    this.client =
        new OkHttpClient.Builder()
            .dispatcher(new Dispatcher())
            .connectionPool(new ConnectionPool(5, 5, TimeUnit.MINUTES))
            .callTimeout(timeout)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .retryOnConnectionFailure(false)
            .followRedirects(false)
            .socketFactory(new NoDelaySocketFactory())
            .build();
    HttpUrl base = HttpUrl.get(endpoint.toString());
    this.evaluateBase = base.newBuilder().addPathSegments("ofrep/v1/evaluate/flags").build();
    this.flagChangeUrl = base.newBuilder().addPathSegments("v1/flag/change").build();
    this.configurationUrl = base.newBuilder().addPathSegments("v1/flag/configuration").build();
    this.collectorUrl =
        HttpUrl.get(collectorEndpoint.toString()).newBuilder().addPathSegments("v1/data/collector").build();
    this.headers = headerTemplate(apiKey, extraHeaders);
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
      byte[] bytes = readBody(response);
      if (response.code() == 200) {
        return codec.readEvaluation(bytes);
      }
      throw failure(response, bytes);
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
      byte[] bytes = readBody(response);
      if (response.code() == 200) {
        return codec.readFlagChanges(bytes, response.header("ETag"));
      }
      throw failure(response, bytes);
    }
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
      byte[] bytes = readBody(response);
      if (response.code() == 200) {
        return new ConfigurationAnswer.Fetched(bytes, response.header("ETag"));
      }
      throw failure(response, bytes);
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
      byte[] bytes = readBody(response);
      if (!response.isSuccessful()) {
        throw failure(response, bytes);
      }
    }
  }

  private Response execute(Call call) throws RelayException {
    Duration wait = gate.remaining();
    if (!wait.isNegative() && !wait.isZero()) {
      throw new RateLimitedException(wait);
    }
    try {
      return call.execute();
    } catch (InterruptedIOException e) {
      throw new RelayUnreachableException(
          "relay did not answer within " + timeout.toMillis() + " ms (" + call.request().url().encodedPath() + ")", e, true);
    } catch (IOException e) {
      throw new RelayUnreachableException("relay could not be reached: " + e, e, false);
    }
  }

  private static byte[] readBody(Response response) throws RelayException {
    ResponseBody body = response.body();
    if (body == null) {
      return new byte[0];
    }
    try {
      return body.bytes();
    } catch (InterruptedIOException e) {
      throw new RelayUnreachableException("relay stopped sending its answer before the timeout ran out", e, true);
    } catch (IOException e) {
      throw new RelayDecodeException("relay's answer was cut short (HTTP " + response.code() + "): " + e.getMessage(), e);
    }
  }

  private RelayException failure(Response response, byte[] body) {
    if (response.code() == 429) {
      gate.pause(response.header("Retry-After"), clock.instant());
    }
    ErrorBody error = codec.readError(body);
    return new RelayHttpException(response.code(), error.errorCode(), error.details());
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
