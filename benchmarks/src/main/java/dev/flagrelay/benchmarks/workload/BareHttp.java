package dev.flagrelay.benchmarks.workload;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The floor of a remote evaluation: one synchronous OkHttp POST of a fixed body, reading the whole
 * answer, with a default OkHttp client (5 idle connections kept, as in flagrelay's client) and no
 * provider, SDK, JSON encoding or decoding around it.
 */
public final class BareHttp implements AutoCloseable {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
  private final Request request;

  /** Will POST {@code body} to {@code url} on every {@link #post()}. */
  public BareHttp(String url, byte[] body) {
    if (body.length == 0) {
      throw new IllegalArgumentException("no request body captured for " + url);
    }
    this.request =
        new Request.Builder()
            .url(url)
            .header("Accept", "application/json")
            .post(RequestBody.create(body, JSON))
            .build();
  }

  /** Sends the request and returns the answer's bytes. */
  public byte[] post() throws IOException {
    try (Response response = client.newCall(request).execute()) {
      ResponseBody body = response.body();
      if (response.code() != 200 || body == null) {
        throw new IOException("stub answered HTTP " + response.code());
      }
      return body.bytes();
    }
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
