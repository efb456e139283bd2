package dev.taskflow.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The few API calls the harness makes, over a pool of exactly {@code connections} HTTP/1.1 keep-alive connections
 * (no pipelining), counting the connections it opens so the report can show none were re-opened.
 */
final class ApiClient {

  /** A request with no byte for this long fails, so no call can hang a run. */
  private static final long IDLE_TIMEOUT_MS = 30_000;

  private final HttpClientAgent http;
  private final WebClient client;
  private final URI server;
  private final AtomicInteger opened;

  private ApiClient(HttpClientAgent http, URI server, AtomicInteger opened) {
    this.http = http;
    this.client = WebClient.wrap(http);
    this.server = server;
    this.opened = opened;
  }

  static ApiClient create(Vertx vertx, URI server, int connections) {
    AtomicInteger opened = new AtomicInteger();
    HttpClientAgent http = vertx.httpClientBuilder()
      .with(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setPipelining(false))
      .with(new PoolOptions().setHttp1MaxSize(connections))
      .withConnectHandler(connection -> opened.incrementAndGet())
      .build();
    return new ApiClient(http, server, opened);
  }

  /** Creates an account and answers its token. */
  Future<String> register(String email, String password) {
    JsonObject body = new JsonObject().put("email", email).put("password", password).put("displayName", "bench");
    return expect(post("/api/v1/auth/register").sendJsonObject(body), 201)
      .map(response -> response.bodyAsJsonObject().getString("token"));
  }

  Future<String> login(String email, String password) {
    JsonObject body = new JsonObject().put("email", email).put("password", password);
    return expect(post("/api/v1/auth/login").sendJsonObject(body), 200)
      .map(response -> response.bodyAsJsonObject().getString("token"));
  }

  /** The id of the token's user. */
  Future<UUID> me(String token) {
    return expect(request(HttpMethod.GET, "/api/v1/me").bearerTokenAuthentication(token).send(), 200)
      .map(response -> UUID.fromString(response.bodyAsJsonObject().getString("id")));
  }

  /** {@code POST /api/v1/tasks}; anything but 201 fails. */
  Future<HttpResponse<Buffer>> createTask(String token, JsonObject task) {
    return expect(post("/api/v1/tasks").bearerTokenAuthentication(token).sendJsonObject(task), 201);
  }

  int connectionsOpened() {
    return opened.get();
  }

  Future<Void> close() {
    client.close();
    return http.close();
  }

  private HttpRequest<Buffer> post(String path) {
    return request(HttpMethod.POST, path);
  }

  private HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, server.getPort(), server.getHost(), path).idleTimeout(IDLE_TIMEOUT_MS);
  }

  private static Future<HttpResponse<Buffer>> expect(Future<HttpResponse<Buffer>> answer, int status) {
    return answer.compose(response -> response.statusCode() == status
      ? Future.succeededFuture(response)
      : Future.failedFuture(new CallFailed("HTTP " + response.statusCode() + " (expected " + status + "): "
        + (response.body() == null ? "" : response.bodyAsString()))));
  }
}
