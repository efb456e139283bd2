package dev.taskflow.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.api.http.DatabaseOutage;
import dev.taskflow.api.testing.CuttableProxy;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A database outage")
class DatabaseOutageTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  CuttableProxy proxy;
  TestApi api;
  ListAppender<ILoggingEvent> log;

  @BeforeEach
  void start() {
    URI direct = URI.create(db.url());
    proxy = new CuttableProxy(direct.getHost(), direct.getPort(), TestDatabase.freePort());
    String viaProxy = db.url().replace(":" + direct.getPort() + "/", ":" + proxy.port() + "/");
    api = new TestApi(db, new JsonObject().put("db.url", viaProxy));
    log = new ListAppender<>();
    log.start();
    ((Logger) LoggerFactory.getLogger("dev.taskflow")).addAppender(log);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger("dev.taskflow")).detachAppender(log);
    api.close();
    proxy.close();
  }

  private List<HttpResponse<Buffer>> fire(Session session, int rounds) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      sent.add(request(HttpMethod.GET, "/api/v1/me", session.token()).send());
      sent.add(request(HttpMethod.GET, "/api/v1/tasks", session.token()).send());
      sent.add(request(HttpMethod.POST, "/api/v1/tasks", session.token())
        .sendJsonObject(new JsonObject().put("title", "during the outage " + i)));
      sent.add(request(HttpMethod.POST, "/api/v1/auth/login", null)
        .sendJsonObject(new JsonObject().put("email", session.email())
          .put("password", "correct horse battery staple")));
    }
    return sent.stream().map(TestApi::await).toList();
  }

  private HttpRequest<Buffer> request(HttpMethod method, String path, String token) {
    HttpRequest<Buffer> request = api.client.request(method, path);
    return token == null ? request : request.putHeader("Authorization", "Bearer " + token);
  }

  private List<String> lines(Level atLeast) {
    return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
      .map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage()
        + (e.getThrowableProxy() != null ? " [stack]" : ""))
      .toList();
  }

  private static boolean noneContains(List<String> lines, String text) {
    return lines.stream().noneMatch(line -> line.contains(text));
  }

  @Test
  @DisplayName("is a 503 problem with Retry-After for every request, logged once, and ends when the database is back")
  void outage() throws InterruptedException {
    Session session = api.register();
    assertThat(api.get("/api/v1/me", session).statusCode()).isEqualTo(200);

    proxy.cut();
    List<HttpResponse<Buffer>> refused = fire(session, 10);

    assertThat(refused).hasSize(40).allSatisfy(response -> {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(response.getHeader("Retry-After")).isEqualTo(Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
      assertThat(response.bodyAsJsonObject().getString("detail"))
        .isEqualTo("The database is unavailable; try again shortly.");
    });
    List<String> warnings = lines(Level.WARN);
    assertThat(warnings).as(String.join("\n", warnings)).hasSize(1);
    assertThat(warnings.get(0)).startsWith("WARN " + DatabaseOutage.class.getName() + " The database is unavailable")
      .doesNotContain("[stack]");

    proxy.restore();
    HttpResponse<Buffer> me = api.get("/api/v1/me", session);
    for (int attempt = 0; attempt < 100 && me.statusCode() != 200; attempt++) {
      Thread.sleep(100);
      me = api.get("/api/v1/me", session);
    }
    assertThat(me.statusCode()).as(me.bodyAsString()).isEqualTo(200);
    assertThat(api.post("/api/v1/tasks", session, new JsonObject().put("title", "after")).statusCode()).isEqualTo(201);
    for (int attempt = 0; attempt < 50 && noneContains(lines(Level.INFO), "reachable again after"); attempt++) {
      Thread.sleep(100);
    }
    assertThat(lines(Level.INFO)).filteredOn(l -> l.contains("reachable again after")).singleElement().asString()
      .contains("40 requests refused");
    assertThat(lines(Level.WARN)).hasSize(1);
  }
}
