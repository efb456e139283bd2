package dev.taskflow.api;

import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running API verticle on a test class's database, and a small synchronous client for it. Tests read like the
 * requests they make; the futures are awaited here, on the test thread, never on an event loop.
 */
public final class TestApi implements AutoCloseable {

  private static final AtomicInteger USERS = new AtomicInteger();

  public final Vertx vertx;
  public final JsonObject config;
  public final WebClient client;
  public final Pool sql;

  /** A registered user and a token for them. */
  public record Session(UUID userId, String email, String token) {
  }

  public TestApi(TestDatabase db) {
    this(db, new JsonObject());
  }

  public TestApi(TestDatabase db, JsonObject overrides) {
    vertx = TaskflowVertx.create();
    // many test users register from 127.0.0.1 within a minute; the limit's own tests set it lower
    config = db.config().put("auth.address.per.minute", 100_000).mergeIn(overrides);
    await(vertx.deployVerticle(new ApiVerticle(), new DeploymentOptions().setConfig(config)));
    client = WebClient.create(vertx, new WebClientOptions()
      .setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    sql = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(config.getString("db.url"))).using(vertx).build();
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Future failed or timed out", e);
    }
  }

  public Session register() {
    return register("user" + USERS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8)
      + "@example.com");
  }

  public Session register(String email) {
    HttpResponse<Buffer> response = send(HttpMethod.POST, "/api/v1/auth/register", null,
      new JsonObject().put("email", email).put("password", "correct horse battery staple"));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    JsonObject body = response.bodyAsJsonObject();
    return new Session(UUID.fromString(body.getJsonObject("user").getString("id")), email, body.getString("token"));
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, Object body) {
    return send(method, path, token, body, Map.of());
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, Object body,
                                   Map<String, String> headers) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    headers.forEach(request::putHeader);
    Future<HttpResponse<Buffer>> response;
    if (body == null) {
      response = request.send();
    } else {
      if (!headers.containsKey("Content-Type")) {
        request.putHeader("Content-Type", "application/json");
      }
      Buffer buffer = body instanceof JsonObject json ? json.toBuffer()
        : body instanceof Buffer b ? b : Buffer.buffer(body.toString());
      response = request.sendBuffer(buffer);
    }
    return await(response);
  }

  /** {@code POST /auth/login}, answered as it is. */
  public HttpResponse<Buffer> login(String email, String password) {
    return send(HttpMethod.POST, "/api/v1/auth/login", null,
      new JsonObject().put("email", email).put("password", password));
  }

  /** The status {@code GET /me} answers with this token: 200 while it and its session are good, else 401. */
  public int meStatus(String token) {
    return send(HttpMethod.GET, "/api/v1/me", token, null).statusCode();
  }

  public HttpResponse<Buffer> get(String path, Session session) {
    return send(HttpMethod.GET, path, session.token(), null);
  }

  public HttpResponse<Buffer> post(String path, Session session, Object body) {
    return send(HttpMethod.POST, path, session.token(), body);
  }

  /** Creates a task and returns its JSON. */
  public JsonObject createTask(Session session, JsonObject body) {
    HttpResponse<Buffer> response = post("/api/v1/tasks", session, body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  public JsonObject createTask(Session session, String title) {
    return createTask(session, new JsonObject().put("title", title));
  }

  /** A problem+json answer with this status whose detail names what was wrong. */
  public static void assertProblem(HttpResponse<Buffer> response, int status, String detailContains) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).containsIgnoringCase(detailContains);
  }

  public RowSet<Row> query(String sql, Object... params) {
    return await(this.sql.preparedQuery(sql).execute(Tuple.from(params)));
  }

  public long count(String sql, Object... params) {
    return query(sql, params).iterator().next().getLong(0);
  }

  @Override
  public void close() {
    await(sql.close());
    await(vertx.close());
  }
}
