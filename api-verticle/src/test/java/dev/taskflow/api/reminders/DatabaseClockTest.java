package dev.taskflow.api.reminders;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static dev.taskflow.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database's clock decides what is due, not the API process's: this test's database runs an hour ahead of the
 * JVM, or behind it (an unqualified {@code now()} resolves to a {@code public.now()} that adds the skew, through the
 * database's search_path), so any decision taken with the JVM's clock shows.
 */
@DisplayName("Due-time decisions follow the database's clock")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseClockTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final Duration SKEW = Duration.ofHours(1);

  TestApi api;
  Session ada;

  @BeforeAll
  void start() throws Exception {
    DatabaseSettings settings = db.settings();
    String database = URI.create(db.url()).getPath().substring(1);
    var options = settings.connectOptions();
    try (Connection jdbc = DriverManager.getConnection(settings.jdbcUrl(), options.getUser(), options.getPassword());
         Statement sql = jdbc.createStatement()) {
      sql.execute("CREATE TABLE public.clock_skew (skew interval NOT NULL)");
      sql.execute("INSERT INTO public.clock_skew VALUES (interval '0')");
      sql.execute("CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql STABLE "
        + "AS $$ SELECT pg_catalog.now() + (SELECT skew FROM public.clock_skew) $$");
      sql.execute("ALTER DATABASE " + database + " SET search_path = public, pg_catalog");
    }
    api = new TestApi(db);
    ada = api.register();
  }

  /** Sets the database's clock {@code skew} ahead of the JVM's (behind when negative). */
  private void skew(Duration skew) {
    api.query("UPDATE public.clock_skew SET skew = make_interval(secs => $1)", (double) skew.toSeconds());
    assertThat(api.query("SELECT extract(epoch FROM now() - pg_catalog.now())::int").iterator().next().getInteger(0))
      .as("the database's clock is skewed").isEqualTo((int) skew.toSeconds());
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private static JsonObject at(Instant at) {
    return new JsonObject().put("at", at.toString());
  }

  @Test
  @DisplayName("an 'at' ahead by the API's clock but past by the database's is refused, on a new task and on its own")
  void atPassedByTheDatabaseClock() {
    skew(SKEW);
    Instant aheadHere = Instant.now().plus(Duration.ofMinutes(30)); // 30 minutes ago by the database's clock

    assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x")
      .put("reminders", new JsonArray().add(at(aheadHere)))), 400, "reminders[0].at must be in the future");
    String taskId = api.createTask(ada, "y").getString("id");
    assertProblem(api.post("/api/v1/tasks/" + taskId + "/reminders", ada, at(aheadHere)), 400,
      "reminder.at must be in the future");
    assertThat(api.count("SELECT count(*) FROM reminders WHERE task_id = $1", UUID.fromString(taskId))).isZero();
    assertThat(api.count("SELECT count(*) FROM tasks WHERE title = 'x'")).isZero();
  }

  @Test
  @DisplayName("an 'at' past by the API's clock but ahead by the database's is accepted")
  void atAheadByTheDatabaseClock() {
    skew(SKEW.negated());
    // 10 minutes ago here, 50 minutes ahead by the database's clock
    Instant pastHere = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
    HttpResponse<Buffer> created = api.post("/api/v1/tasks", ada, new JsonObject().put("title", "z")
      .put("reminders", new JsonArray().add(at(pastHere))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(Instant.parse(created.bodyAsJsonObject().getJsonArray("reminders").getJsonObject(0).getString("fireAt")))
      .isEqualTo(pastHere);
  }

  @Test
  @DisplayName("a snooze counts from the database's now")
  void snoozeFromTheDatabaseClock() {
    skew(SKEW);
    String taskId = api.createTask(ada, new JsonObject().put("title", "s")
      .put("dueAt", Instant.now().plus(Duration.ofHours(3)).toString())
      .put("reminders", new JsonArray().add(new JsonObject().put("offset", "-PT15M")))).getString("id");
    UUID rid = api.query("SELECT id FROM reminders WHERE task_id = $1", UUID.fromString(taskId)).iterator().next()
      .getUUID(0);
    api.query("UPDATE reminders SET state = 'fired', fired_at = now() WHERE id = $1", rid);

    Instant before = Instant.now();
    HttpResponse<Buffer> snoozed = api.post("/api/v1/reminders/" + rid + "/snooze", ada,
      new JsonObject().put("duration", "PT10M"));
    Instant after = Instant.now();

    assertThat(snoozed.statusCode()).as(snoozed.bodyAsString()).isEqualTo(200);
    assertThat(Instant.parse(snoozed.bodyAsJsonObject().getString("fireAt")))
      .isBetween(before.plus(SKEW).plusSeconds(600).minusSeconds(1), after.plus(SKEW).plusSeconds(600).plusSeconds(1));
  }
}
