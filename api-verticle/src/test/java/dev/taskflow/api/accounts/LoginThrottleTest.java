package dev.taskflow.api.accounts;

import dev.taskflow.api.TestApi;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Login and registration are throttled")
class LoginThrottleTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  private static final String PASSWORD = "correct horse battery staple";

  private static HttpResponse<Buffer> login(TestApi api, String email, String password, Map<String, String> headers) {
    return api.send(HttpMethod.POST, "/api/v1/auth/login", null,
      new JsonObject().put("email", email).put("password", password), headers);
  }

  private static HttpResponse<Buffer> login(TestApi api, String email, String password) {
    return login(api, email, password, Map.of());
  }

  private static void assertThrottled(HttpResponse<Buffer> response, int maxWaitSeconds) {
    TestApi.assertProblem(response, 429, "try again in");
    assertThat(Integer.parseInt(response.getHeader("Retry-After"))).isBetween(1, maxWaitSeconds);
  }

  @Test
  @DisplayName("after the failures allowed for one e-mail it gets 429 with Retry-After, while another account logs in")
  void perAccount() {
    try (TestApi api = new TestApi(db, new JsonObject().put("auth.login.failures.max", 3)
      .put("auth.login.lockout.seconds", 60))) {
      String ada = api.register().email();
      String bob = api.register().email();

      for (int i = 0; i < 3; i++) {
        assertThat(login(api, ada, "wrong password").statusCode()).isEqualTo(401);
      }
      assertThrottled(login(api, ada, "wrong password"), 60);
      assertThrottled(login(api, ada.toUpperCase(java.util.Locale.ROOT), PASSWORD), 60); // even the right one, for now
      assertThat(login(api, bob, PASSWORD).statusCode()).isEqualTo(200);

      // an e-mail without an account is throttled the same way, so the answers do not tell which exist
      for (int i = 0; i < 3; i++) {
        assertThat(login(api, "nobody@example.com", "wrong password").statusCode()).isEqualTo(401);
      }
      assertThrottled(login(api, "nobody@example.com", "wrong password"), 60);
    }
  }

  @Test
  @DisplayName("a successful login forgets the failures before it")
  void successResets() {
    try (TestApi api = new TestApi(db, new JsonObject().put("auth.login.failures.max", 3))) {
      String carl = api.register().email();
      for (int round = 0; round < 3; round++) {
        assertThat(login(api, carl, "wrong password").statusCode()).isEqualTo(401);
        assertThat(login(api, carl, "wrong password").statusCode()).isEqualTo(401);
        assertThat(login(api, carl, PASSWORD).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  @DisplayName("an address gets so many logins and registrations a minute; an untrusted X-Forwarded-For is ignored")
  void perAddress() {
    try (TestApi api = new TestApi(db, new JsonObject().put("auth.address.per.minute", 4))) {
      api.register();
      for (int i = 0; i < 3; i++) {
        assertThat(login(api, "someone" + i + "@example.com", "wrong password").statusCode()).isEqualTo(401);
      }
      assertThrottled(login(api, "someone-else@example.com", "wrong password",
        Map.of("X-Forwarded-For", "198.51.100.99")), 60);
      assertThrottled(api.send(HttpMethod.POST, "/api/v1/auth/register", null,
        new JsonObject().put("email", "late@example.com").put("password", PASSWORD)), 60);
    }
  }

  @Test
  @DisplayName("behind a trusted proxy the limit is per forwarded address, the right-most one the proxy did not add")
  void perForwardedAddress() {
    try (TestApi api = new TestApi(db, new JsonObject().put("auth.address.per.minute", 2)
      .put("http.trusted.proxies", "10.0.0.0/8, 127.0.0.1"))) {
      Map<String, String> first = Map.of("X-Forwarded-For", "198.51.100.7");
      assertThat(login(api, "a@example.com", "wrong password", first).statusCode()).isEqualTo(401);
      assertThat(login(api, "b@example.com", "wrong password", first).statusCode()).isEqualTo(401);
      assertThrottled(login(api, "c@example.com", "wrong password", first), 60);
      // a client cannot escape by writing its own X-Forwarded-For: the proxies append the address they saw
      assertThrottled(login(api, "c@example.com", "wrong password",
        Map.of("X-Forwarded-For", "203.0.113.1, 198.51.100.7, 10.1.2.3")), 60);
      // another client behind the same proxy is not affected
      assertThat(login(api, "d@example.com", "wrong password", Map.of("X-Forwarded-For", "198.51.100.8"))
        .statusCode()).isEqualTo(401);
    }
  }

  @Test
  @DisplayName("with the hashing queue full a login is refused at once with 429 and Retry-After, without hashing")
  void hashingQueue() {
    try (TestApi api = new TestApi(db, new JsonObject().put("auth.hash.queue", 1)
      .put("password.argon2.memory.kib", 65536).put("password.argon2.iterations", 3))) {
      String eve = api.register().email();
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        sent.add(api.client.post("/api/v1/auth/login")
          .sendJsonObject(new JsonObject().put("email", eve).put("password", PASSWORD)));
      }
      List<HttpResponse<Buffer>> answers = sent.stream().map(TestApi::await).toList();

      assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200, 429).contains(200, 429);
      answers.stream().filter(r -> r.statusCode() == 429).forEach(r -> {
        TestApi.assertProblem(r, 429, "busy checking passwords");
        assertThat(r.getHeader("Retry-After")).isEqualTo("1");
      });
      // the queue empties again: a later login is not refused
      assertThat(login(api, eve, PASSWORD).statusCode()).isEqualTo(200);
    }
  }
}
