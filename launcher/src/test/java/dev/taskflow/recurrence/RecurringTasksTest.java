package dev.taskflow.recurrence;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.kafka.KafkaSettings;
import dev.taskflow.core.kafka.KafkaTransport;
import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.core.transport.OutboxRecord;
import dev.taskflow.notifier.NotifierVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recurring tasks end to end, in one JVM on the real embedded PostgreSQL and Kafka: the API, the outbox relay and
 * two recurrence verticles (one consumer group, one scheduler each), so every spawn here is also a test of "exactly
 * once with several verticles".
 */
@DisplayName("Recurring tasks")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecurringTasksTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  @RegisterExtension
  static TestKafka kafka = new TestKafka();

  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final int MIN_INTERVAL_SECONDS = 20;
  static final int MAX_SERIES = 200;

  Vertx vertx;
  JsonObject config;
  WebClient http;
  Pool sql;
  final List<String> recurrenceDeployments = new ArrayList<>();
  User alice;
  User bob;

  record User(UUID id, String token) {
  }

  @BeforeAll
  void start() {
    JsonObject broker = kafka.config();
    config = db.config()
      .put("transport", "kafka")
      .put("kafka.bootstrap", broker.getString("kafka.bootstrap"))
      .put("kafka.topic.prefix", broker.getString("kafka.topic.prefix"))
      .put("consumer.retry.attempts", 3)
      .put("consumer.retry.initial.ms", 50L)
      // onScheduleMinutely spawns every 20 s, so it runs in a minute instead of three; the limits tests use these too
      .put("recurrence.min.interval.seconds", MIN_INTERVAL_SECONDS)
      .put("recurrence.max.series.per.user", MAX_SERIES);
    vertx = TaskflowVertx.create();
    startRecurrence();
    // the notifier gives each new instance the previous one's relative reminders
    await(vertx.deployVerticle(new NotifierVerticle(), options()));
    await(vertx.deployVerticle(new RelayVerticle(), options()));
    await(vertx.deployVerticle(new ApiVerticle(), options()));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")));
    sql = Database.pool(vertx, db.settings());
    alice = register("alice-recurring@example.com");
    bob = register("bob-recurring@example.com");
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  /** Two recurrence verticles, as two pods would run them. */
  void startRecurrence() {
    for (int i = 0; i < 2; i++) {
      recurrenceDeployments.add(await(vertx.deployVerticle(new RecurrenceVerticle(), options())));
    }
  }

  void stopRecurrence() {
    recurrenceDeployments.forEach(id -> await(vertx.undeploy(id)));
    recurrenceDeployments.clear();
  }

  DeploymentOptions options() {
    return new DeploymentOptions().setConfig(config);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Future failed or timed out", e);
    }
  }

  static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within 60 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  User register(String email) {
    JsonObject body = send(null, HttpMethod.POST, "/api/v1/auth/register",
      new JsonObject().put("email", email).put("password", "recurring password")).bodyAsJsonObject();
    return new User(UUID.fromString(body.getJsonObject("user").getString("id")), body.getString("token"));
  }

  HttpResponse<Buffer> send(User user, HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, path);
    if (user != null) {
      request.putHeader("Authorization", "Bearer " + user.token());
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  JsonObject preview(JsonObject body) {
    HttpResponse<Buffer> response = send(alice, HttpMethod.POST, "/api/v1/recurrence/preview", body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** Creates a recurring task for the user; returns the task. */
  JsonObject createRecurring(User user, String title, String dueAt, String timezone, JsonObject recurrence) {
    JsonObject body = new JsonObject().put("title", title).put("description", "the template's description")
      .put("priority", "high").put("tags", new JsonArray().add("home").add("weekly")).put("recurrence", recurrence);
    if (dueAt != null) {
      body.put("dueAt", dueAt).put("timezone", timezone);
    }
    HttpResponse<Buffer> response = send(user, HttpMethod.POST, "/api/v1/tasks", body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    assertThat(response.getHeader("ETag")).isNotBlank();
    return response.bodyAsJsonObject();
  }

  JsonObject complete(User user, JsonObject task) {
    HttpResponse<Buffer> response = send(user, HttpMethod.POST, "/api/v1/tasks/" + task.getString("id") + "/complete",
      null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** The instances of a series, oldest occurrence first. */
  List<Row> instances(String seriesId) {
    List<Row> rows = new ArrayList<>();
    await(sql.preparedQuery("""
        SELECT id, title, description, priority, tags, due_at, timezone, occurrence_at, created_at, status
          FROM tasks WHERE series_id = $1 ORDER BY occurrence_at""")
      .execute(Tuple.of(UUID.fromString(seriesId)))).forEach(rows::add);
    return rows;
  }

  JsonObject waitForInstance(String seriesId, int count) throws InterruptedException {
    eventually(() -> instances(seriesId).size() >= count, count + " instances of series " + seriesId);
    Row newest = instances(seriesId).get(count - 1);
    return send(alice, HttpMethod.GET, "/api/v1/tasks/" + newest.getUUID("id"), null).bodyAsJsonObject();
  }

  static String instant(ZoneId zone, String local) {
    return LocalDateTime.parse(local).atZone(zone).toInstant().toString();
  }

  // ---------------------------------------------------------------------------------------------------- preview

  Stream<Arguments> rfc5545Examples() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/rfc5545-examples.json")) {
      assertThat(in).as("the RFC 5545 examples from the recurrence verticle's test jar").isNotNull();
      JsonArray examples = new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      assertThat(examples).hasSizeGreaterThan(40);
      return examples.stream().map(JsonObject.class::cast)
        .map(example -> Arguments.of(example.getString("name") + " — " + example.getString("rrule"), example));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rfc5545Examples")
  @DisplayName("the preview endpoint gives every example of RFC 5545 section 3.8.5.3 (first 100 occurrences)")
  void rfc5545Example(String name, JsonObject example) {
    List<Object> expected = example.getJsonArray("occurrences").getList();
    int count = Math.min(expected.size(), 100);
    JsonObject request = new JsonObject().put("rrule", example.getString("rrule"))
      .put("dtstart", example.getString("dtstart")).put("timezone", example.getString("timezone"))
      .put("count", count);
    if (example.containsKey("exdates")) {
      request.put("exdates", example.getJsonArray("exdates"));
    }
    assertThat(preview(request).getJsonArray("occurrences").getList())
      .containsExactlyElementsOf(expected.subList(0, count));
  }

  @Nested
  @DisplayName("a preview of a bad rule is a 422 that says why, at once")
  class BadRules {

    void rejected(JsonObject request, String detailPart) {
      long best = Long.MAX_VALUE;
      for (int attempt = 0; attempt < 3; attempt++) {
        long started = System.nanoTime();
        HttpResponse<Buffer> response = send(alice, HttpMethod.POST, "/api/v1/recurrence/preview", request);
        best = Math.min(best, System.nanoTime() - started);
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(422);
        assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
        assertThat(response.bodyAsJsonObject().getString("detail")).containsIgnoringCase(detailPart);
      }
      System.out.printf("422 for %s in %.1f ms (best of 3)%n", request.getString("rrule"), best / 1e6);
      assertThat(Duration.ofNanos(best)).as("the issue's 100 ms").isLessThan(Duration.ofMillis(100));
    }

    JsonObject rule(String rrule) {
      return new JsonObject().put("rrule", rrule).put("dtstart", "2026-01-01T09:00:00")
        .put("timezone", "Europe/Paris").put("count", 5);
    }

    @Test
    @DisplayName("an RRULE that does not parse")
    void invalid() {
      rejected(rule("FREQ=SOMETIMES;COUNT=3"), "not a valid RFC 5545 recurrence rule");
      rejected(rule("FREQ=DAILY;BYHOUR=25"), "not a valid");
    }

    @Test
    @DisplayName("an unknown zone")
    void unknownZone() {
      rejected(rule("FREQ=DAILY").put("timezone", "Mars/Olympus_Mons"), "IANA time zone");
    }

    @Test
    @DisplayName("COUNT with UNTIL")
    void countWithUntil() {
      rejected(rule("FREQ=DAILY;COUNT=5;UNTIL=20260110T000000Z"), "both COUNT and UNTIL");
    }

    @Test
    @DisplayName("a rule that never occurs: February 30th")
    void never() {
      rejected(rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"), "never produces an occurrence");
    }

    @Test
    @DisplayName("a date that does not exist")
    void badDate() {
      rejected(rule("FREQ=DAILY").put("dtstart", "2026-02-30T09:00:00"), "local date-time");
    }

    @Test
    @DisplayName("no rule, start or zone produces a 5xx or a hang, on preview, PUT or POST /tasks")
    void hostile() {
      List<String> rules = List.of("", " ", "RRULE:", "FREQ=", "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;INTERVAL=-1",
        "FREQ=DAILY;COUNT=0", "FREQ=DAILY;COUNT=-5", "FREQ=DAILY;COUNT=99999999999", "FREQ=DAILY;UNTIL=99991231T000000Z",
        "FREQ=DAILY;UNTIL=00000101T000000Z", "FREQ=DAILY;UNTIL=garbage", "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=SECONDLY;BYYEARDAY=366;BYMONTH=1", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO", "FREQ=MONTHLY;BYSETPOS=400;BYDAY=MO",
        "FREQ=MONTHLY;BYDAY=+9MO", "FREQ=WEEKLY;BYDAY=XX", "FREQ=DAILY;;;", "FREQ=DAILY;FREQ=WEEKLY",
        "FREQ=YEARLY;BYMONTH=13", "FREQ=MINUTELY;BYSECOND=61", "FREQ=DAILY;WKST=ZZ", "\u00ff\u00fe", "FREQ=DAILY\n",
        "FREQ=DAILY;X-NAME=1", "FREQ=YEARLY;BYMONTHDAY=-31;BYMONTH=2", "FREQ=DAILY;RSCALE=GREGORIAN");
      List<String> starts = List.of("2026-01-01T09:00:00", "9999-12-31T23:59:59", "0001-01-01T00:00:00",
        "2026-03-08T02:30:00");
      JsonObject plain = plainTask(alice, "2026-01-01T09:00:00Z");
      for (String rrule : rules) {
        for (String dtstart : starts) {
          JsonObject request = new JsonObject().put("rrule", rrule).put("dtstart", dtstart)
            .put("timezone", "America/New_York");
          for (var call : List.of(
            (java.util.function.Supplier<HttpResponse<Buffer>>) () -> send(alice, HttpMethod.POST,
              "/api/v1/recurrence/preview", request.copy().put("count", 100)),
            () -> send(alice, HttpMethod.PUT, "/api/v1/tasks/" + plain.getString("id") + "/recurrence", request),
            () -> send(alice, HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "hostile")
              .put("recurrence", request)))) {
            long started = System.nanoTime();
            HttpResponse<Buffer> response = call.get();
            assertThat(response.statusCode()).as(rrule + " from " + dtstart + ": " + response.bodyAsString())
              .isLessThan(500);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as(rrule + " from " + dtstart)
              .isLessThan(Duration.ofSeconds(2));
          }
        }
      }
    }

    @Test
    @DisplayName("count is capped at 100 (a 400 from the contract), 100 is fine")
    void countCap() {
      HttpResponse<Buffer> tooMany = send(alice, HttpMethod.POST, "/api/v1/recurrence/preview",
        rule("FREQ=DAILY").put("count", 101));
      assertThat(tooMany.statusCode()).isEqualTo(400);
      assertThat(preview(rule("FREQ=SECONDLY").put("count", 100)).getJsonArray("occurrences")).hasSize(100);
    }
  }

  @Nested
  @DisplayName("a preview pages through a rule of any length and keeps to a window")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class PreviewPaging {

    Stream<Arguments> examples() throws IOException {
      return rfc5545Examples();
    }

    /** Every page of {@code request} ({@code count} a page) until {@code next} is null or {@code max} are read. */
    List<Object> allPages(JsonObject request, int max) {
      List<Object> all = new ArrayList<>();
      String after = null;
      do {
        JsonObject page = preview(after == null ? request : request.copy().put("after", after));
        assertThat(page.getJsonArray("occurrences")).as("a page after " + after).isNotEmpty()
          .hasSizeLessThanOrEqualTo(request.getInteger("count"));
        all.addAll(page.getJsonArray("occurrences").getList());
        after = page.getString("next");
      } while (after != null && all.size() < max);
      if (after != null) {
        all.add("next: " + after);
      }
      return all;
    }

    @Test
    @DisplayName("RFC 5545 3.8.5.3 example 2, daily until 24 December 1997: its 113 occurrences in pages of 50, the "
      + "last page's next is null")
    void rfcExampleTwoInFull() throws IOException {
      JsonObject example = rfc5545Examples().map(arguments -> (JsonObject) arguments.get()[1])
        .filter(e -> "FREQ=DAILY;UNTIL=19971224T000000Z".equals(e.getString("rrule"))).findFirst().orElseThrow();
      assertThat(example.getJsonArray("occurrences")).hasSize(113);
      JsonObject request = new JsonObject().put("rrule", "FREQ=DAILY;UNTIL=19971224T000000Z")
        .put("dtstart", "1997-09-02T09:00:00").put("timezone", "America/New_York").put("count", 50);
      JsonObject first = preview(request);
      assertThat(first.getJsonArray("occurrences")).hasSize(50);
      assertThat(first.getString("next")).isEqualTo("1997-10-21T09:00:00");
      assertThat(allPages(request, 1000)).containsExactlyElementsOf(example.getJsonArray("occurrences").getList());
      assertThat(preview(request.copy().put("after", "1997-12-23T09:00:00")).getJsonArray("occurrences")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    @DisplayName("every RFC 5545 3.8.5.3 example in full, read in pages of 7")
    void rfcExampleInPages(String name, JsonObject example) {
      List<Object> expected = example.getJsonArray("occurrences").getList();
      JsonObject request = new JsonObject().put("rrule", example.getString("rrule"))
        .put("dtstart", example.getString("dtstart")).put("timezone", example.getString("timezone")).put("count", 7);
      if (example.containsKey("exdates")) {
        request.put("exdates", example.getJsonArray("exdates"));
      }
      List<Object> read = allPages(request, expected.size());
      boolean bounded = example.getString("rrule").contains("COUNT=") || example.getString("rrule").contains("UNTIL=");
      if (bounded) {
        assertThat(read).as("all of a bounded rule, and no next after the last").containsExactlyElementsOf(expected);
      } else {
        assertThat(read.subList(0, expected.size())).containsExactlyElementsOf(expected);
      }
    }

    @Test
    @DisplayName("from and until bound the window, both inclusive; after pages within it")
    void window() {
      JsonObject weekly = new JsonObject().put("rrule", "FREQ=WEEKLY;BYDAY=MO,TH").put("dtstart", "2026-01-05T09:00:00")
        .put("timezone", "Europe/Paris").put("from", "2026-01-08T09:00:00").put("until", "2026-01-19T09:00:00")
        .put("count", 3);
      JsonObject first = preview(weekly);
      assertThat(first.getJsonArray("occurrences").getList())
        .containsExactly("2026-01-08T09:00:00", "2026-01-12T09:00:00", "2026-01-15T09:00:00");
      assertThat(first.getString("next")).isEqualTo("2026-01-15T09:00:00");
      JsonObject second = preview(weekly.copy().put("after", first.getString("next")));
      assertThat(second.getJsonArray("occurrences").getList()).containsExactly("2026-01-19T09:00:00");
      assertThat(second.getValue("next")).isNull();
      assertThat(preview(weekly.copy().put("count", 4)).getValue("next")).as("exactly a page: no more").isNull();
      assertThat(preview(weekly.copy().put("from", "2026-01-09T00:00").put("until", "2026-01-11T23:59"))
        .getJsonArray("occurrences")).isEmpty();
      JsonObject open = weekly.copy().put("count", 5);
      open.remove("until");
      assertThat(preview(open).getJsonArray("occurrences").getList()).as("no until: as far as the rule goes")
        .hasSize(5).endsWith("2026-01-22T09:00:00");
    }

    @Test
    @DisplayName("next is the occurrence as the rule gives it: a page ending in a DST gap goes on after 02:30, not 03:30")
    void nextInDstGap() {
      JsonObject daily = new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-03-07T02:30:00")
        .put("timezone", "America/New_York").put("count", 2);
      JsonObject first = preview(daily);
      assertThat(first.getJsonArray("occurrences").getList()).containsExactly("2026-03-07T02:30:00",
        "2026-03-08T03:30:00");
      assertThat(first.getString("next")).isEqualTo("2026-03-08T02:30:00");
      assertThat(preview(daily.copy().put("after", first.getString("next"))).getJsonArray("occurrences").getList())
        .containsExactly("2026-03-09T02:30:00", "2026-03-10T02:30:00");
    }

    void badRequest(JsonObject request, String detailPart) {
      HttpResponse<Buffer> response = send(alice, HttpMethod.POST, "/api/v1/recurrence/preview", request);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
      assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
      assertThat(response.bodyAsString()).containsIgnoringCase(detailPart);
    }

    @Test
    @DisplayName("a window or cursor that makes no sense is a 400 that says why")
    void badWindows() {
      JsonObject daily = new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-01-05T09:00:00")
        .put("timezone", "Europe/Paris");
      badRequest(daily.copy().put("from", "2026-02-01T00:00:00").put("until", "2026-01-31T00:00:00"), "before from");
      badRequest(daily.copy().put("from", "2026-02-30T00:00:00"), "from must be a local date-time");
      badRequest(daily.copy().put("until", "2026-13-01T00:00:00"), "until must be a local date-time");
      badRequest(daily.copy().put("from", "tomorrow"), "from");
      badRequest(daily.copy().put("until", "2026-02-01T00:00:00Z"), "until");
      badRequest(daily.copy().put("after", "2026-01-07T10:00:00"), "not one of its occurrences");
      badRequest(daily.copy().put("after", "2026-01-04T09:00:00"), "not one of its occurrences");
      badRequest(daily.copy().put("count", 0), "count");
      badRequest(daily.copy().put("count", 101), "count");
      badRequest(new JsonObject().put("after", "2026-01-07T09:00:00").put("dtstart", "2026-01-05T09:00:00")
        .put("timezone", "Europe/Paris"), "rrule");
    }
  }

  @Test
  @DisplayName("DST: a daily 09:00 stays at 09:00 across both changes; 02:30 on the spring-forward day is 03:30")
  void daylightSaving() {
    assertThat(preview(new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-03-07T09:00:00")
      .put("timezone", "America/New_York").put("count", 3)).getJsonArray("occurrences").getList())
      .containsExactly("2026-03-07T09:00:00", "2026-03-08T09:00:00", "2026-03-09T09:00:00");
    assertThat(preview(new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-10-31T09:00:00")
      .put("timezone", "America/New_York").put("count", 3)).getJsonArray("occurrences").getList())
      .containsExactly("2026-10-31T09:00:00", "2026-11-01T09:00:00", "2026-11-02T09:00:00");
    assertThat(preview(new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-03-07T02:30:00")
      .put("timezone", "America/New_York").put("count", 3)).getJsonArray("occurrences").getList())
      .containsExactly("2026-03-07T02:30:00", "2026-03-08T03:30:00", "2026-03-09T02:30:00");
  }

  @Test
  @DisplayName("BYMONTHDAY=31 skips the short months; BYMONTHDAY=-1 is each month's last day")
  void monthDays() {
    assertThat(preview(new JsonObject().put("rrule", "FREQ=MONTHLY;BYMONTHDAY=31").put("dtstart",
      "2026-01-31T18:00:00").put("timezone", "Europe/Berlin").put("count", 4)).getJsonArray("occurrences").getList())
      .containsExactly("2026-01-31T18:00:00", "2026-03-31T18:00:00", "2026-05-31T18:00:00", "2026-07-31T18:00:00");
    assertThat(preview(new JsonObject().put("rrule", "FREQ=MONTHLY;BYMONTHDAY=-1").put("dtstart",
      "2028-01-31T18:00:00").put("timezone", "Europe/Berlin").put("count", 4)).getJsonArray("occurrences").getList())
      .containsExactly("2028-01-31T18:00:00", "2028-02-29T18:00:00", "2028-03-31T18:00:00", "2028-04-30T18:00:00");
  }

  // ---------------------------------------------------------------------------------------------------- spawning

  @Test
  @DisplayName("completing an instance creates exactly one next one, with the right due date and the template; "
    + "DST kept at 09:00 local; the completion delivered three more times changes nothing")
  void completionSpawnsOnce() throws InterruptedException {
    JsonObject first = createRecurring(alice, "Water the plants", null, null, new JsonObject()
      .put("rrule", "FREQ=DAILY").put("dtstart", "2026-03-07T09:00:00").put("timezone", "America/New_York"));
    String seriesId = first.getString("seriesId");
    assertThat(seriesId).isNotNull();
    assertThat(first.getString("dueAt")).isEqualTo("2026-03-07T14:00:00Z");
    assertThat(first.getString("timezone")).isEqualTo("America/New_York");

    complete(alice, first);
    JsonObject second = waitForInstance(seriesId, 2);
    // 09:00 EDT after the spring-forward night is 13:00 UTC, no longer 14:00
    assertThat(second.getString("dueAt")).isEqualTo("2026-03-08T13:00:00Z");
    assertThat(second.getString("occurrenceAt")).isEqualTo("2026-03-08T13:00:00Z");
    assertThat(second.getString("status")).isEqualTo("open");
    assertThat(second.getString("title")).isEqualTo("Water the plants");
    assertThat(second.getString("description")).isEqualTo("the template's description");
    assertThat(second.getString("priority")).isEqualTo("high");
    assertThat(second.getJsonArray("tags").getList()).containsExactly("home", "weekly");

    // the same completion event, delivered three more times (as a broker may after a crash)
    JsonObject completion = await(sql.preparedQuery("""
        SELECT event FROM outbox WHERE event->>'type' = 'taskflow.task.completed' AND event->>'subject' = $1""")
      .execute(Tuple.of(first.getString("id")))).iterator().next().getJsonObject("event");
    KafkaSettings settings = KafkaSettings.from(config);
    KafkaTransport redelivery = KafkaTransport.create(vertx, settings);
    try {
      for (int i = 0; i < 3; i++) {
        await(redelivery.publish(List.of(new OutboxRecord(-1, Topics.TASK_EVENTS, alice.id().toString(),
          completion))));
      }
    } finally {
      await(redelivery.close());
    }
    // a marker behind them on the same partition (same key): once its instance exists, they have been handled
    JsonObject marker = createRecurring(alice, "Marker", "2026-05-01T10:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=WEEKLY"));
    complete(alice, marker);
    waitForInstance(marker.getString("seriesId"), 2);
    assertThat(instances(seriesId)).hasSize(2);

    complete(alice, second);
    assertThat(waitForInstance(seriesId, 3).getString("dueAt")).isEqualTo("2026-03-09T13:00:00Z");
    // completing an earlier instance again (after a reopen) spawns nothing
    send(alice, HttpMethod.POST, "/api/v1/tasks/" + first.getString("id") + "/reopen", null);
    complete(alice, first);
    JsonObject marker2 = createRecurring(alice, "Marker 2", "2026-05-01T10:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=WEEKLY"));
    complete(alice, marker2);
    waitForInstance(marker2.getString("seriesId"), 2);
    assertThat(instances(seriesId)).hasSize(3);
    assertThat(await(sql.preparedQuery("SELECT count(*) FROM outbox WHERE event->>'type' = "
      + "'taskflow.recurrence.spawned' AND event->'data'->>'seriesId' = $1").execute(Tuple.of(seriesId)))
      .iterator().next().getLong(0)).as("one spawned event per instance").isEqualTo(2);
    // the list filtered by series: its instances only, newest first; the open one alone with status=open
    JsonArray listed = send(alice, HttpMethod.GET, "/api/v1/tasks?seriesId=" + seriesId, null).bodyAsJsonObject()
      .getJsonArray("items");
    assertThat(listed.stream().map(item -> ((JsonObject) item).getString("seriesId"))).hasSize(3).containsOnly(seriesId);
    JsonArray open = send(alice, HttpMethod.GET, "/api/v1/tasks?status=open&seriesId=" + seriesId, null)
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(open).hasSize(1);
    assertThat(open.getJsonObject(0).getString("dueAt")).isEqualTo("2026-03-09T13:00:00Z");
  }

  /** Waits until the user's events before this call have reached the recurrence consumer (same key, same partition). */
  void markerBehind(User user) throws InterruptedException {
    JsonObject marker = createRecurring(user, "Marker", "2026-05-01T10:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=WEEKLY"));
    complete(user, marker);
    eventually(() -> instances(marker.getString("seriesId")).size() == 2, "the marker's next instance");
  }

  JsonObject reopen(User user, String taskId) {
    HttpResponse<Buffer> response = send(user, HttpMethod.POST, "/api/v1/tasks/" + taskId + "/reopen", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  @Test
  @DisplayName("reopening a completed instance retracts the untouched instance its completion spawned, with its "
    + "deleted event, and rolls the series back: completing again spawns it once more; a changed one stays")
  void reopenRetractsSpawned() throws InterruptedException {
    JsonObject first = createRecurring(alice, "Take out the bins", null, null, new JsonObject()
      .put("rrule", "FREQ=DAILY").put("dtstart", "2027-02-01T19:00:00").put("timezone", "America/New_York"));
    String seriesId = first.getString("seriesId");
    complete(alice, first);
    JsonObject second = waitForInstance(seriesId, 2);
    assertThat(second.getString("dueAt")).isEqualTo("2027-02-03T00:00:00Z");

    reopen(alice, first.getString("id"));
    eventually(() -> instances(seriesId).size() == 1, "the spawned instance retracted");
    assertThat(instances(seriesId).get(0).getString("status")).isEqualTo("open");
    assertThat(send(alice, HttpMethod.GET, "/api/v1/tasks/" + second.getString("id"), null).statusCode())
      .isEqualTo(404);
    JsonObject deleted = await(sql.preparedQuery("""
        SELECT event FROM outbox WHERE event->>'subject' = $1 AND event->>'type' = 'taskflow.task.deleted'""")
      .execute(Tuple.of(second.getString("id")))).iterator().next().getJsonObject("event");
    assertThat(deleted.getJsonObject("data").getString("retractedFor")).isEqualTo(first.getString("id"));
    assertThat(deleted.getJsonObject("data").getJsonObject("task").getString("id")).isEqualTo(second.getString("id"));
    Row series = await(sql.preparedQuery("""
        SELECT last_occurrence_at, next_occurrence_at, instances, active FROM series WHERE id = $1""")
      .execute(Tuple.of(UUID.fromString(seriesId)))).iterator().next();
    assertThat(series.getOffsetDateTime("last_occurrence_at").toInstant().toString()).isEqualTo(first.getString("dueAt"));
    assertThat(series.getOffsetDateTime("next_occurrence_at").toInstant().toString()).isEqualTo(second.getString("dueAt"));
    assertThat(series.getInteger("instances")).isEqualTo(1);
    assertThat(series.getBoolean("active")).isTrue();

    // completing it again spawns the next once more, exactly once
    complete(alice, first);
    JsonObject again = waitForInstance(seriesId, 2);
    assertThat(again.getString("id")).isNotEqualTo(second.getString("id"));
    assertThat(again.getString("dueAt")).isEqualTo(second.getString("dueAt"));
    markerBehind(alice);
    assertThat(instances(seriesId)).hasSize(2);

    // the user changes the spawned one: reopening the first leaves it, both open
    HttpResponse<Buffer> patched = send(alice, HttpMethod.PATCH, "/api/v1/tasks/" + again.getString("id"),
      new JsonObject().put("title", "Take out the bins and the recycling"));
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    reopen(alice, first.getString("id"));
    markerBehind(alice);
    assertThat(instances(seriesId)).extracting(row -> row.getString("status")).containsExactly("open", "open");
    // and completing the first again spawns nothing: its successor is there
    complete(alice, first);
    markerBehind(alice);
    assertThat(instances(seriesId)).hasSize(2);
  }

  @Test
  @DisplayName("a recurring task created with reminders: the next instance has the relative ones, timed from its due "
    + "date; the absolute one stays with its instance")
  void remindersCarryOver() throws InterruptedException {
    String at = OffsetDateTime.now().plusDays(30).truncatedTo(ChronoUnit.SECONDS).toInstant().toString();
    JsonObject body = new JsonObject().put("title", "Pay rent").put("recurrence", new JsonObject()
        .put("rrule", "FREQ=MONTHLY;BYMONTHDAY=1").put("dtstart", "2030-01-01T09:00:00")
        .put("timezone", "Europe/Paris"))
      .put("reminders", new JsonArray().add(new JsonObject().put("offset", "-P1D"))
        .add(new JsonObject().put("offset", "-PT30M")).add(new JsonObject().put("at", at)));
    HttpResponse<Buffer> created = send(alice, HttpMethod.POST, "/api/v1/tasks", body);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject first = created.bodyAsJsonObject();
    assertThat(first.getJsonArray("reminders")).hasSize(3);
    assertThat(reminders(first)).extracting(r -> r.getString("fireAt")).containsExactlyInAnyOrder(
      "2029-12-31T08:00:00Z", "2030-01-01T07:30:00Z", at);

    complete(alice, first);
    JsonObject second = waitForInstance(first.getString("seriesId"), 2);
    assertThat(second.getString("dueAt")).isEqualTo("2030-02-01T08:00:00Z");
    eventually(() -> reminders(second).size() == 2, "the inherited reminders");
    assertThat(reminders(second)).extracting(r -> r.getString("offset") + " " + r.getString("fireAt"))
      .containsExactlyInAnyOrder("-P1D 2030-01-31T08:00:00Z", "-PT30M 2030-02-01T07:30:00Z");
  }

  @Test
  @DisplayName("making a task recurring from another start moves its relative reminders with the due date")
  void recurrenceMovesReminders() {
    HttpResponse<Buffer> created = send(alice, HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "Moved")
      .put("dueAt", "2030-05-01T10:00:00Z").put("timezone", "UTC")
      .put("reminders", new JsonArray().add(new JsonObject().put("offset", "-PT1H"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject task = created.bodyAsJsonObject();
    HttpResponse<Buffer> put = send(alice, HttpMethod.PUT, "/api/v1/tasks/" + task.getString("id") + "/recurrence",
      new JsonObject().put("rrule", "FREQ=WEEKLY").put("dtstart", "2030-05-03T18:00:00"));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(200);
    assertThat(reminders(task)).singleElement()
      .satisfies(r -> assertThat(r.getString("fireAt")).isEqualTo("2030-05-03T17:00:00Z"));
  }

  List<JsonObject> reminders(JsonObject task) {
    HttpResponse<Buffer> response = send(alice, HttpMethod.GET, "/api/v1/tasks/" + task.getString("id") + "/reminders",
      null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  @Test
  @DisplayName("the autumn change: 09:00 EDT then 09:00 EST")
  void fallBack() throws InterruptedException {
    JsonObject first = createRecurring(alice, "Autumn", null, null, new JsonObject()
      .put("rrule", "FREQ=DAILY").put("dtstart", "2026-10-31T09:00:00").put("timezone", "America/New_York"));
    assertThat(first.getString("dueAt")).isEqualTo("2026-10-31T13:00:00Z");
    complete(alice, first);
    assertThat(waitForInstance(first.getString("seriesId"), 2).getString("dueAt")).isEqualTo("2026-11-01T14:00:00Z");
  }

  @Test
  @DisplayName("COUNT ends the series: the last instance's completion spawns nothing")
  void countEnds() throws InterruptedException {
    JsonObject first = createRecurring(alice, "Twice", "2026-06-01T08:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=WEEKLY;COUNT=2"));
    complete(alice, first);
    JsonObject second = waitForInstance(first.getString("seriesId"), 2);
    assertThat(second.getString("dueAt")).isEqualTo("2026-06-08T08:00:00Z");
    complete(alice, second);
    JsonObject marker = createRecurring(alice, "Marker 3", "2026-05-01T10:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=WEEKLY"));
    complete(alice, marker);
    waitForInstance(marker.getString("seriesId"), 2);
    assertThat(instances(first.getString("seriesId"))).hasSize(2);
    assertThat(recurring(alice)).noneMatch(series -> series.getString("id").equals(first.getString("seriesId")));
  }

  @Test
  @DisplayName("deleting the newest instance ends its series; deleting an earlier one does not")
  void deletingEnds() throws InterruptedException {
    JsonObject first = createRecurring(alice, "Deleted", "2026-06-01T08:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=DAILY"));
    String seriesId = first.getString("seriesId");
    complete(alice, first);
    JsonObject second = waitForInstance(seriesId, 2);
    assertThat(send(alice, HttpMethod.DELETE, "/api/v1/tasks/" + first.getString("id"), null).statusCode())
      .isEqualTo(204);
    JsonObject marker = createRecurring(alice, "Marker 4", "2026-05-01T10:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=WEEKLY"));
    complete(alice, marker);
    waitForInstance(marker.getString("seriesId"), 2);
    assertThat(recurring(alice)).extracting(s -> s.getString("id")).contains(seriesId);

    assertThat(send(alice, HttpMethod.DELETE, "/api/v1/tasks/" + second.getString("id"), null).statusCode())
      .isEqualTo(204);
    eventually(() -> recurring(alice).stream().noneMatch(s -> s.getString("id").equals(seriesId)),
      "the series to end");
  }

  @Test
  @DisplayName("a completion-anchored series computes the next occurrence from the completion day")
  void completionAnchor() throws InterruptedException {
    JsonObject first = createRecurring(alice, "Every 3 days after I finish it", null, null, new JsonObject()
      .put("rrule", "FREQ=DAILY;INTERVAL=3").put("dtstart", "2026-01-05T09:00:00").put("timezone", "America/New_York")
      .put("anchor", "completion"));
    JsonObject completed = complete(alice, first);
    LocalDate completionDay = OffsetDateTime.parse(completed.getString("completedAt")).atZoneSameInstant(NEW_YORK)
      .toLocalDate();
    JsonObject next = waitForInstance(first.getString("seriesId"), 2);
    assertThat(next.getString("dueAt"))
      .isEqualTo(completionDay.plusDays(3).atTime(9, 0).atZone(NEW_YORK).toInstant().toString());
  }

  @Test
  @DisplayName("an on_schedule minutely series spawns each instance within 1 s of its time, with no duplicates "
    + "across a restart of the verticles")
  void onScheduleMinutely() throws InterruptedException {
    // every 20 seconds: FREQ=MINUTELY with BYSECOND, so the test takes about a minute, not three; DTSTART (the first
    // instance, the task created here) is the last 20-second mark, so every spawn measured comes after the creation
    LocalDateTime now = LocalDateTime.now(NEW_YORK);
    if (now.getSecond() % 20 >= 18) {
      Thread.sleep(2_500);
      now = LocalDateTime.now(NEW_YORK);
    }
    LocalDateTime start = now.truncatedTo(ChronoUnit.MINUTES).plusSeconds(now.getSecond() / 20 * 20);
    JsonObject first = createRecurring(alice, "Stand up", null, null, new JsonObject()
      .put("rrule", "FREQ=MINUTELY;BYSECOND=0,20,40").put("dtstart", start.toString())
      .put("timezone", "America/New_York").put("spawn", "on_schedule"));
    String seriesId = first.getString("seriesId");

    List<Duration> lateness = new ArrayList<>();
    int seen = instances(seriesId).size();
    for (int round = 0; round < 3; round++) {
      int expected = seen + 1;
      eventually(() -> instances(seriesId).size() >= expected, "instance " + expected);
      Row spawned = instances(seriesId).get(expected - 1);
      Duration late = Duration.between(spawned.getOffsetDateTime("occurrence_at").toInstant(),
        spawned.getOffsetDateTime("created_at").toInstant());
      lateness.add(late);
      seen = expected;
      if (round == 0) {
        stopRecurrence();
        startRecurrence();
      }
    }
    System.out.println("on_schedule lateness: " + lateness);
    assertThat(lateness).allSatisfy(late -> assertThat(late).isBetween(Duration.ZERO, Duration.ofSeconds(1)));
    List<Row> all = instances(seriesId);
    assertThat(all.stream().map(row -> row.getOffsetDateTime("occurrence_at").toInstant()).distinct())
      .hasSize(all.size());
    // each 20 s apart: nothing skipped, nothing doubled
    for (int i = 2; i < all.size(); i++) {
      assertThat(Duration.between(all.get(i - 1).getOffsetDateTime("occurrence_at").toInstant(),
        all.get(i).getOffsetDateTime("occurrence_at").toInstant())).isEqualTo(Duration.ofSeconds(20));
    }
    send(alice, HttpMethod.DELETE, "/api/v1/tasks/" + all.get(all.size() - 1).getUUID("id") + "/recurrence", null);
  }

  @Test
  @DisplayName("after downtime an on_schedule series spawns only the latest missed occurrence (catch-up rule)")
  void catchUp() throws InterruptedException {
    LocalDateTime start = LocalDateTime.now(NEW_YORK).minusMinutes(10).truncatedTo(ChronoUnit.MINUTES);
    JsonObject first = createRecurring(alice, "Minutely, ten missed", null, null, new JsonObject()
      .put("rrule", "FREQ=MINUTELY;INTERVAL=1").put("dtstart", start.toString())
      .put("timezone", "America/New_York").put("spawn", "on_schedule"));
    String seriesId = first.getString("seriesId");
    eventually(() -> instances(seriesId).size() >= 2, "the catch-up instance");
    Row latest = instances(seriesId).get(1);
    assertThat(Duration.between(latest.getOffsetDateTime("occurrence_at").toInstant(), Instant.now()))
      .isLessThan(Duration.ofMinutes(1));
    send(alice, HttpMethod.DELETE, "/api/v1/tasks/" + latest.getUUID("id") + "/recurrence", null);
    assertThat(instances(seriesId).size()).isLessThanOrEqualTo(3);
  }

  // ---------------------------------------------------------------------------------------------------- endpoints

  List<JsonObject> recurring(User user) {
    HttpResponse<Buffer> response = send(user, HttpMethod.GET, "/api/v1/tasks/recurring?limit=200", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  JsonObject plainTask(User user, String dueAt) {
    JsonObject body = new JsonObject().put("title", "plain");
    if (dueAt != null) {
      body.put("dueAt", dueAt).put("timezone", "Europe/Paris");
    }
    return send(user, HttpMethod.POST, "/api/v1/tasks", body).bodyAsJsonObject();
  }

  @Test
  @DisplayName("PUT makes a task recurring from its due date; GET /tasks/recurring lists it; skip; DELETE stops it")
  void lifecycle() {
    JsonObject task = plainTask(bob, "2026-09-07T07:00:00Z");
    String path = "/api/v1/tasks/" + task.getString("id") + "/recurrence";
    HttpResponse<Buffer> put = send(bob, HttpMethod.PUT, path, new JsonObject().put("rrule", "FREQ=WEEKLY;BYDAY=MO"));
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(200);
    JsonObject series = put.bodyAsJsonObject();
    assertThat(series.getString("dtstart")).isEqualTo("2026-09-07T09:00:00");
    assertThat(series.getString("timezone")).isEqualTo("Europe/Paris");
    assertThat(series.getString("anchor")).isEqualTo("schedule");
    assertThat(series.getString("spawn")).isEqualTo("on_completion");
    assertThat(series.getString("taskId")).isEqualTo(task.getString("id"));
    assertThat(series.getString("nextOccurrenceAt")).isEqualTo(instant(ZoneId.of("Europe/Paris"),
      "2026-09-14T09:00:00"));
    assertThat(recurring(bob)).extracting(s -> s.getString("id")).contains(series.getString("id"));
    assertThat(recurring(alice)).extracting(s -> s.getString("id")).doesNotContain(series.getString("id"));

    HttpResponse<Buffer> skip = send(bob, HttpMethod.POST, path + "/skip", null);
    assertThat(skip.statusCode()).as(skip.bodyAsString()).isEqualTo(200);
    assertThat(skip.bodyAsJsonObject().getString("skipped")).isEqualTo("2026-09-14T09:00:00");
    assertThat(skip.bodyAsJsonObject().getJsonArray("exdates").getList()).containsExactly("2026-09-14T09:00:00");
    assertThat(skip.bodyAsJsonObject().getString("nextOccurrenceAt"))
      .isEqualTo(instant(ZoneId.of("Europe/Paris"), "2026-09-21T09:00:00"));

    // a new rule from this task on: a new series; the old one stops
    HttpResponse<Buffer> again = send(bob, HttpMethod.PUT, path, new JsonObject().put("rrule", "FREQ=DAILY")
      .put("dtstart", "2026-09-08T18:30:00").put("timezone", "Asia/Tokyo"));
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
    assertThat(recurring(bob)).extracting(s -> s.getString("id")).doesNotContain(series.getString("id"))
      .contains(again.bodyAsJsonObject().getString("id"));
    JsonObject moved = send(bob, HttpMethod.GET, "/api/v1/tasks/" + task.getString("id"), null).bodyAsJsonObject();
    assertThat(moved.getString("dueAt")).isEqualTo("2026-09-08T09:30:00Z");
    assertThat(moved.getString("timezone")).isEqualTo("Asia/Tokyo");

    assertThat(send(bob, HttpMethod.DELETE, path, null).statusCode()).isEqualTo(204);
    assertThat(recurring(bob)).extracting(s -> s.getString("id")).doesNotContain(again.bodyAsJsonObject()
      .getString("id"));
    JsonObject plain = send(bob, HttpMethod.GET, "/api/v1/tasks/" + task.getString("id"), null).bodyAsJsonObject();
    assertThat(plain.getString("seriesId")).isNull();
    assertThat(send(bob, HttpMethod.DELETE, path, null).statusCode()).isEqualTo(404);
    assertThat(send(bob, HttpMethod.POST, path + "/skip", null).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("changing a weekly rule from Monday to Tue/Thu moves the current instance to the Tuesday, with dueAt in "
    + "its updated event, where the preview starts; the next instance is the Thursday")
  void ruleChangeMovesInstance() throws InterruptedException {
    ZoneId paris = ZoneId.of("Europe/Paris");
    JsonObject monday = createRecurring(bob, "Team sync", instant(paris, "2027-01-04T09:00:00"), "Europe/Paris",
      new JsonObject().put("rrule", "FREQ=WEEKLY;BYDAY=MO"));
    assertThat(monday.getString("dueAt")).isEqualTo(instant(paris, "2027-01-04T09:00:00"));
    String path = "/api/v1/tasks/" + monday.getString("id") + "/recurrence";
    // as the web UI's editor sends it: the rule with the task's due date as dtstart
    JsonObject rule = new JsonObject().put("rrule", "FREQ=WEEKLY;BYDAY=TU,TH").put("dtstart", "2027-01-04T09:00:00")
      .put("timezone", "Europe/Paris");
    List<Object> previewed = preview(rule.copy().put("count", 3)).getJsonArray("occurrences").getList();
    assertThat(previewed).containsExactly("2027-01-05T09:00:00", "2027-01-07T09:00:00", "2027-01-12T09:00:00");

    HttpResponse<Buffer> put = send(bob, HttpMethod.PUT, path, rule);
    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(200);
    JsonObject series = put.bodyAsJsonObject();
    assertThat(series.getString("dtstart")).as("DTSTART synchronised with the rule").isEqualTo(previewed.get(0));
    assertThat(series.getString("nextOccurrenceAt")).isEqualTo(instant(paris, "2027-01-07T09:00:00"));
    JsonObject moved = send(bob, HttpMethod.GET, "/api/v1/tasks/" + monday.getString("id"), null).bodyAsJsonObject();
    assertThat(moved.getString("dueAt")).isEqualTo(instant(paris, "2027-01-05T09:00:00"));
    assertThat(moved.getString("occurrenceAt")).isEqualTo(moved.getString("dueAt"));
    assertThat(moved.getString("status")).isEqualTo("open");

    JsonObject updated = await(sql.preparedQuery("""
        SELECT event FROM outbox WHERE event->>'subject' = $1 AND event->>'type' = 'taskflow.task.updated'
         ORDER BY position DESC LIMIT 1""").execute(Tuple.of(monday.getString("id"))))
      .iterator().next().getJsonObject("event").getJsonObject("data");
    assertThat(updated.getJsonObject("changes").getJsonObject("dueAt"))
      .isEqualTo(new JsonObject().put("old", instant(paris, "2027-01-04T09:00:00"))
        .put("new", instant(paris, "2027-01-05T09:00:00")));
    assertThat(updated.getJsonObject("task").getString("dueAt")).isEqualTo(moved.getString("dueAt"));

    complete(bob, moved);
    eventually(() -> instances(series.getString("id")).size() == 2, "the Thursday instance");
    assertThat(instances(series.getString("id")).get(1).getOffsetDateTime("due_at").toInstant().toString())
      .isEqualTo(instant(paris, "2027-01-07T09:00:00"));

    // a new task given a rule its due date does not match starts at the rule's first occurrence too
    JsonObject created = createRecurring(bob, "Gym", instant(paris, "2027-01-04T18:00:00"), "Europe/Paris",
      new JsonObject().put("rrule", "FREQ=WEEKLY;BYDAY=WE,FR"));
    assertThat(created.getString("dueAt")).isEqualTo(instant(paris, "2027-01-06T18:00:00"));
  }

  @Test
  @DisplayName("every change writes one task event that carries the recurrence")
  void events() throws InterruptedException {
    JsonObject task = plainTask(bob, "2026-09-07T07:00:00Z");
    String path = "/api/v1/tasks/" + task.getString("id") + "/recurrence";
    send(bob, HttpMethod.PUT, path, new JsonObject().put("rrule", "FREQ=DAILY"));
    send(bob, HttpMethod.POST, path + "/skip", null);
    send(bob, HttpMethod.DELETE, path, null);
    List<JsonObject> events = new ArrayList<>();
    await(sql.preparedQuery("SELECT event FROM outbox WHERE event->>'subject' = $1 ORDER BY position")
      .execute(Tuple.of(task.getString("id")))).forEach(row -> events.add(row.getJsonObject("event")));
    assertThat(events).extracting(e -> e.getString("type")).containsExactly("taskflow.task.created",
      "taskflow.task.updated", "taskflow.task.updated", "taskflow.task.updated");
    assertThat(events.get(1).getJsonObject("data").getJsonObject("changes").getJsonObject("recurrence")
      .getJsonObject("new").getString("rrule")).isEqualTo("FREQ=DAILY");
    assertThat(events.get(3).getJsonObject("data").getJsonObject("changes").getJsonObject("recurrence")
      .getValue("new")).isNull();
    assertThat(events).extracting(e -> e.getLong("sequence")).isSorted();
  }

  @Test
  @DisplayName("bad requests: 422 without a start, 409 on an earlier instance, 404 for another user's task, "
    + "400 for a bad anchor; a recurring task with a bad rule is not created")
  void badRequests() throws InterruptedException {
    JsonObject undated = plainTask(bob, null);
    HttpResponse<Buffer> noStart = send(bob, HttpMethod.PUT, "/api/v1/tasks/" + undated.getString("id")
      + "/recurrence", new JsonObject().put("rrule", "FREQ=DAILY"));
    assertThat(noStart.statusCode()).isEqualTo(422);
    assertThat(noStart.bodyAsJsonObject().getString("detail")).contains("dtstart");

    JsonObject first = createRecurring(bob, "Earlier", "2026-06-01T08:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=DAILY"));
    complete(bob, first);
    eventually(() -> instances(first.getString("seriesId")).size() == 2, "the second instance");
    String earlier = "/api/v1/tasks/" + first.getString("id") + "/recurrence";
    assertThat(send(bob, HttpMethod.PUT, earlier, new JsonObject().put("rrule", "FREQ=WEEKLY")).statusCode())
      .isEqualTo(409);
    assertThat(send(bob, HttpMethod.POST, earlier + "/skip", null).statusCode()).isEqualTo(409);

    String others = "/api/v1/tasks/" + first.getString("id") + "/recurrence";
    assertThat(send(alice, HttpMethod.PUT, others, new JsonObject().put("rrule", "FREQ=DAILY")).statusCode())
      .isEqualTo(404);
    assertThat(send(alice, HttpMethod.DELETE, others, null).statusCode()).isEqualTo(404);
    assertThat(send(alice, HttpMethod.POST, others + "/skip", null).statusCode()).isEqualTo(404);

    assertThat(send(bob, HttpMethod.PUT, earlier, new JsonObject().put("rrule", "FREQ=DAILY")
      .put("anchor", "whenever")).statusCode()).isEqualTo(400);
    HttpResponse<Buffer> contradiction = send(bob, HttpMethod.PUT, "/api/v1/tasks/" + undated.getString("id")
      + "/recurrence", new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-01-01T10:00:00")
      .put("anchor", "completion").put("spawn", "on_schedule"));
    assertThat(contradiction.statusCode()).isEqualTo(422);
    assertThat(send(bob, HttpMethod.GET, "/api/v1/tasks/recurring?cursor=nonsense", null).statusCode())
      .isEqualTo(400);

    long before = await(sql.preparedQuery("SELECT count(*) FROM tasks WHERE user_id = $1")
      .execute(Tuple.of(bob.id()))).iterator().next().getLong(0);
    HttpResponse<Buffer> badRule = send(bob, HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "never")
      .put("dueAt", "2026-06-01T08:00:00Z").put("recurrence", new JsonObject().put("rrule", "FREQ=FORTNIGHTLY")));
    assertThat(badRule.statusCode()).isEqualTo(422);
    assertThat(await(sql.preparedQuery("SELECT count(*) FROM tasks WHERE user_id = $1")
      .execute(Tuple.of(bob.id()))).iterator().next().getLong(0)).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------------- limits

  static String range(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  /** The Hardening issue's (12) rule: 32 million candidates a year; it held workers for minutes and an event loop 13 s. */
  static final String HOSTILE = "FREQ=YEARLY;BYMONTH=" + range(1, 12) + ";BYMONTHDAY=" + range(1, 31) + ";BYHOUR="
    + range(0, 23) + ";BYMINUTE=" + range(0, 59) + ";BYSECOND=" + range(0, 59) + ";BYSETPOS=-1";

  long count(String sqlText, Object... params) {
    return await(sql.preparedQuery(sqlText).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("the hostile rule answers 422 within 1 s, with the reason, on preview, PUT and POST /tasks; nothing is "
    + "committed")
  void limitHostileRule() {
    User carol = register("carol-hostile@example.com");
    JsonObject plain = plainTask(carol, "2026-01-01T09:00:00Z");
    long tasksBefore = count("SELECT count(*) FROM tasks WHERE user_id = $1", carol.id());
    JsonObject recurrence = new JsonObject().put("rrule", HOSTILE).put("dtstart", "2026-01-01T09:00:00")
      .put("timezone", "America/New_York");
    for (var call : List.of(
      (java.util.function.Supplier<HttpResponse<Buffer>>) () -> send(carol, HttpMethod.POST,
        "/api/v1/recurrence/preview", recurrence.copy().put("count", 100)),
      () -> send(carol, HttpMethod.PUT, "/api/v1/tasks/" + plain.getString("id") + "/recurrence", recurrence),
      () -> send(carol, HttpMethod.PUT, "/api/v1/tasks/" + plain.getString("id") + "/recurrence",
        recurrence.copy().put("spawn", "on_schedule")),
      () -> send(carol, HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "hostile")
        .put("recurrence", recurrence)))) {
      long started = System.nanoTime();
      HttpResponse<Buffer> response = call.get();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.println("hostile rule answered " + response.statusCode() + " in " + took.toMillis() + " ms");
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(422);
      assertThat(response.bodyAsJsonObject().getString("detail")).contains("candidate date-times", "limit is 10000");
      assertThat(took).isLessThan(Duration.ofSeconds(1));
    }
    assertThat(count("SELECT count(*) FROM tasks WHERE user_id = $1", carol.id())).isEqualTo(tasksBefore);
    assertThat(count("SELECT count(*) FROM series WHERE user_id = $1", carol.id())).isZero();
  }

  @Test
  @DisplayName("an on_schedule series may not occur more often than recurrence.min.interval.seconds: SECONDLY and "
    + "closer BYSECONDs are a 422; on_completion may")
  void limitMinInterval() {
    User dave = register("dave-interval@example.com");
    String start = LocalDateTime.now(NEW_YORK).plusDays(1).truncatedTo(ChronoUnit.MINUTES).toString();
    for (String rrule : List.of("FREQ=SECONDLY;INTERVAL=3600", "FREQ=MINUTELY;BYSECOND=0,10,20,30,40,50")) {
      HttpResponse<Buffer> refused = send(dave, HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", rrule)
        .put("recurrence", new JsonObject().put("rrule", rrule).put("dtstart", start)
          .put("timezone", "America/New_York").put("spawn", "on_schedule")));
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(422);
      assertThat(refused.bodyAsJsonObject().getString("detail")).contains("at most once every "
        + MIN_INTERVAL_SECONDS + " s");
    }
    assertThat(count("SELECT count(*) FROM tasks WHERE user_id = $1", dave.id())).isZero();
    createRecurring(dave, "every 20 s, on schedule", null, null, new JsonObject()
      .put("rrule", "FREQ=MINUTELY;BYSECOND=0,20,40").put("dtstart", start).put("timezone", "America/New_York")
      .put("spawn", "on_schedule"));
    createRecurring(dave, "every second, on completion", null, null, new JsonObject()
      .put("rrule", "FREQ=SECONDLY").put("dtstart", start).put("timezone", "America/New_York"));
  }

  /** Inserts an active series (and its first instance) for {@code user} directly, as an older version could have. */
  UUID storedSeries(User user, String rrule, String spawn, OffsetDateTime start) {
    UUID series = UUID.randomUUID();
    await(sql.preparedQuery("""
        INSERT INTO series (id, user_id, rrule, dtstart, timezone, anchor, spawn, template, last_occurrence_at,
                            next_occurrence_at)
        VALUES ($1, $2, $3, $4, 'UTC', 'schedule', $5, '{"title":"stored"}'::jsonb, $6, $6)""")
      .execute(Tuple.of(series, user.id(), rrule, start.atZoneSameInstant(ZoneId.of("UTC")).toLocalDateTime(), spawn,
        start)));
    await(sql.preparedQuery("""
        INSERT INTO tasks (id, user_id, title, due_at, timezone, series_id, occurrence_at)
        VALUES ($1, $2, 'stored', $3, 'UTC', $4, $3)""")
      .execute(Tuple.of(UUID.randomUUID(), user.id(), start, series)));
    return series;
  }

  @Test
  @DisplayName("a user has at most recurrence.max.series.per.user active series: one more is a 409, and a stop makes "
    + "room")
  void limitSeriesPerUser() {
    User erin = register("erin-many@example.com");
    OffsetDateTime start = OffsetDateTime.parse("2030-01-01T09:00:00Z");
    UUID last = null;
    for (int i = 0; i < MAX_SERIES; i++) {
      last = storedSeries(erin, "FREQ=DAILY", "on_completion", start);
    }
    JsonObject recurrence = new JsonObject().put("rrule", "FREQ=WEEKLY").put("dtstart", "2030-01-01T09:00:00")
      .put("timezone", "UTC");
    HttpResponse<Buffer> refused = send(erin, HttpMethod.POST, "/api/v1/tasks",
      new JsonObject().put("title", "one too many").put("recurrence", recurrence));
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains(MAX_SERIES + " active recurring series");
    JsonObject plain = plainTask(erin, "2030-01-01T09:00:00Z");
    assertThat(send(erin, HttpMethod.PUT, "/api/v1/tasks/" + plain.getString("id") + "/recurrence", recurrence)
      .statusCode()).isEqualTo(409);

    String instance = await(sql.preparedQuery("SELECT id FROM tasks WHERE series_id = $1").execute(Tuple.of(last)))
      .iterator().next().getUUID(0).toString();
    assertThat(send(erin, HttpMethod.DELETE, "/api/v1/tasks/" + instance + "/recurrence", null).statusCode())
      .isEqualTo(204);
    createRecurring(erin, "room again", null, null, recurrence);
  }

  @Test
  @DisplayName("a series stops in one call from any of its instances, and whatever its stored rule")
  void limitStopAlways() throws InterruptedException {
    User frank = register("frank-stop@example.com");
    JsonObject first = createRecurring(frank, "daily", "2026-06-01T08:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=DAILY"));
    complete(frank, first);
    eventually(() -> instances(first.getString("seriesId")).size() == 2, "the second instance");
    // the earlier instance: the series stops (it answered 409 before)
    HttpResponse<Buffer> stopped = send(frank, HttpMethod.DELETE, "/api/v1/tasks/" + first.getString("id")
      + "/recurrence", null);
    assertThat(stopped.statusCode()).as(stopped.bodyAsString()).isEqualTo(204);
    assertThat(count("SELECT count(*) FROM series WHERE id = $1 AND active", UUID.fromString(first.getString("seriesId"))))
      .isZero();
    assertThat(recurring(frank)).isEmpty();

    // a rule stored before the limits, which they refuse now
    UUID hostile = storedSeries(frank, HOSTILE, "on_completion", OffsetDateTime.parse("2030-01-01T09:00:00Z"));
    String instance = await(sql.preparedQuery("SELECT id FROM tasks WHERE series_id = $1").execute(Tuple.of(hostile)))
      .iterator().next().getUUID(0).toString();
    assertThat(send(frank, HttpMethod.DELETE, "/api/v1/tasks/" + instance + "/recurrence", null).statusCode())
      .isEqualTo(204);
    assertThat(count("SELECT count(*) FROM series WHERE id = $1 AND active", hostile)).isZero();
  }

  @Test
  @DisplayName("stored on_schedule series the limits refuse: a SECONDLY one spawns at most once a minimum interval, a "
    + "hostile one ends without spawning")
  void limitStoredSeries() throws InterruptedException {
    User grace = register("grace-stored@example.com");
    OffsetDateTime now = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(2);
    UUID secondly = storedSeries(grace, "FREQ=SECONDLY", "on_schedule", now);
    UUID hostile = storedSeries(grace, HOSTILE, "on_schedule", now);
    eventually(() -> instances(secondly.toString()).size() >= 2, "the SECONDLY series' catch-up instance");
    eventually(() -> count("SELECT count(*) FROM series WHERE id = $1 AND NOT active", hostile) == 1,
      "the hostile series ended");
    Thread.sleep(3_000);
    List<Row> spawned = instances(secondly.toString());
    assertThat(spawned).as("one catch-up instance in 3 s, not one a second").hasSize(2);
    Row series = await(sql.preparedQuery("SELECT last_occurrence_at, next_occurrence_at FROM series WHERE id = $1")
      .execute(Tuple.of(secondly))).iterator().next();
    assertThat(Duration.between(series.getOffsetDateTime(0), series.getOffsetDateTime(1)))
      .isGreaterThanOrEqualTo(Duration.ofSeconds(MIN_INTERVAL_SECONDS));
    assertThat(instances(hostile.toString())).hasSize(1);
    send(grace, HttpMethod.DELETE, "/api/v1/tasks/" + spawned.get(1).getUUID("id") + "/recurrence", null);
  }

  @Test
  @DisplayName("harness: other users' request latency while hostile rules are submitted in parallel (figures printed)")
  void limitOtherUsersLatency() throws InterruptedException {
    User quiet = register("quiet-latency@example.com");
    User loud = register("loud-latency@example.com");
    JsonObject plain = plainTask(loud, "2026-01-01T09:00:00Z");
    plainTask(quiet, "2026-01-01T09:00:00Z");
    latencies(quiet, 100); // warm up
    List<Long> alone = latencies(quiet, 500);
    JsonObject daily = new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-01-01T09:00:00")
      .put("timezone", "UTC");
    JsonObject hostile = daily.copy().put("rrule", HOSTILE);
    List<Integer> plainStatuses = new ArrayList<>();
    List<Long> withPlainLoad = underLoad(quiet, loud, plain, daily, plainStatuses);
    List<Integer> hostileStatuses = new ArrayList<>();
    List<Long> withHostileLoad = underLoad(quiet, loud, plain, hostile, hostileStatuses);
    System.out.printf("other user's GET /tasks latency (500 requests each): alone p50 %.1f ms p99 %.1f ms; with 4 "
        + "clients sending a valid rule (%d requests) p50 %.1f ms p99 %.1f ms; with 4 clients sending the hostile rule "
        + "(%d requests) p50 %.1f ms p99 %.1f ms%n", percentile(alone, 50), percentile(alone, 99),
      plainStatuses.size(), percentile(withPlainLoad, 50), percentile(withPlainLoad, 99), hostileStatuses.size(),
      percentile(withHostileLoad, 50), percentile(withHostileLoad, 99));
    assertThat(plainStatuses).containsOnly(200);
    assertThat(hostileStatuses).containsOnly(422);
    send(loud, HttpMethod.DELETE, "/api/v1/tasks/" + plain.getString("id") + "/recurrence", null);
  }

  /** {@code quiet}'s latencies while four clients of {@code loud} send {@code recurrence} (preview and PUT) in a loop. */
  List<Long> underLoad(User quiet, User loud, JsonObject task, JsonObject recurrence, List<Integer> statuses)
    throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      Thread client = new Thread(() -> {
        while (running.get()) {
          seen.add((n % 2 == 0
            ? send(loud, HttpMethod.POST, "/api/v1/recurrence/preview", recurrence.copy().put("count", 100))
            : send(loud, HttpMethod.PUT, "/api/v1/tasks/" + task.getString("id") + "/recurrence", recurrence))
            .statusCode());
        }
      });
      client.start();
      clients.add(client);
    }
    try {
      Thread.sleep(200);
      return latencies(quiet, 500);
    } finally {
      running.set(false);
      for (Thread client : clients) {
        client.join();
      }
      statuses.addAll(seen);
    }
  }

  List<Long> latencies(User user, int requests) {
    List<Long> nanos = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      long started = System.nanoTime();
      HttpResponse<Buffer> response = send(user, HttpMethod.GET, "/api/v1/tasks?limit=20", null);
      nanos.add(System.nanoTime() - started);
      assertThat(response.statusCode()).isEqualTo(200);
    }
    return nanos;
  }

  static double percentile(List<Long> nanos, int p) {
    List<Long> sorted = nanos.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
  }

  // ---- subtasks (issue 14) ----

  @Test
  @DisplayName("a subtask cannot repeat (422); a recurring parent's next occurrence comes without its subtasks, first in the list")
  void subtasksAndRecurrence() throws InterruptedException {
    JsonObject parent = createRecurring(alice, "Weekly review", "2026-06-01T08:00:00Z", "UTC",
      new JsonObject().put("rrule", "FREQ=WEEKLY"));
    HttpResponse<Buffer> sub = send(alice, HttpMethod.POST, "/api/v1/tasks", new JsonObject()
      .put("title", "Inbox zero").put("parentId", parent.getString("id")));
    assertThat(sub.statusCode()).as(sub.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> repeat = send(alice, HttpMethod.PUT, "/api/v1/tasks/" + sub.bodyAsJsonObject().getString("id")
      + "/recurrence", new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-06-01T09:00:00")
      .put("timezone", "UTC"));
    assertThat(repeat.statusCode()).as(repeat.bodyAsString()).isEqualTo(422);
    assertThat(repeat.bodyAsJsonObject().getString("detail")).contains("subtask cannot repeat");

    complete(alice, parent);
    JsonObject next = waitForInstance(parent.getString("seriesId"), 2);
    assertThat(next.getString("parentId")).isNull();
    HttpResponse<Buffer> subtasks = send(alice, HttpMethod.GET, "/api/v1/tasks?parent=" + next.getString("id"), null);
    assertThat(subtasks.bodyAsJsonObject().getJsonArray("items")).isEmpty();
    HttpResponse<Buffer> top = send(alice, HttpMethod.GET, "/api/v1/tasks?sort=manual&parent=none&limit=1", null);
    assertThat(top.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id"))
      .isEqualTo(next.getString("id"));
  }

  // ---- projects (issue 14) ----

  @Test
  @DisplayName("in a shared project an editor's recurring task is the project's account's series, stays in the project, "
    + "and its reminders are the editor's, inherited by the next occurrence; a viewer gets 403, others 404")
  void sharedProjectRecurrence() throws InterruptedException {
    User carol = register("carol-recurring@example.com");
    UUID chores = UUID.randomUUID();
    await(sql.preparedQuery("INSERT INTO projects (id, user_id, name) VALUES ($1, $2, 'Chores')")
      .execute(Tuple.of(chores, alice.id())));
    await(sql.preparedQuery("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'owner'), "
      + "($1, $3, 'editor'), ($1, $4, 'viewer')").execute(Tuple.of(chores, alice.id(), bob.id(), carol.id())));

    HttpResponse<Buffer> created = send(bob, HttpMethod.POST, "/api/v1/tasks", new JsonObject()
      .put("title", "Bins out").put("projectId", chores.toString()).put("dueAt", "2026-06-02T18:00:00Z")
      .put("timezone", "UTC").put("recurrence", new JsonObject().put("rrule", "FREQ=WEEKLY"))
      .put("reminders", new JsonArray().add(new JsonObject().put("offset", "-PT1H"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject task = created.bodyAsJsonObject();
    assertThat(task.getString("projectId")).isEqualTo(chores.toString());
    String seriesId = task.getString("seriesId");
    assertThat(count("SELECT count(*) FROM series WHERE id = $1 AND user_id = $2", UUID.fromString(seriesId),
      alice.id())).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM reminders WHERE task_id = $1 AND user_id = $2",
      UUID.fromString(task.getString("id")), bob.id())).isEqualTo(1);

    HttpResponse<Buffer> byViewer = send(carol, HttpMethod.POST,
      "/api/v1/tasks/" + task.getString("id") + "/recurrence/skip",
      null);
    assertThat(byViewer.statusCode()).as(byViewer.bodyAsString()).isEqualTo(403);
    JsonObject alicesOwn = plainTask(alice, "2026-06-03T09:00:00Z");
    HttpResponse<Buffer> notMember = send(bob, HttpMethod.PUT, "/api/v1/tasks/" + alicesOwn.getString("id")
      + "/recurrence", new JsonObject().put("rrule", "FREQ=DAILY").put("dtstart", "2026-06-03T09:00:00")
      .put("timezone", "UTC"));
    assertThat(notMember.statusCode()).as(notMember.bodyAsString()).isEqualTo(404);

    complete(bob, task);
    JsonObject next = waitForInstance(seriesId, 2);
    assertThat(next.getString("projectId")).isEqualTo(chores.toString());
    eventually(() -> count("SELECT count(*) FROM reminders WHERE task_id = $1 AND user_id = $2",
      UUID.fromString(next.getString("id")), bob.id()) == 1, "bob's reminder inherited by the next occurrence");
    HttpResponse<Buffer> stopped = send(bob, HttpMethod.DELETE, "/api/v1/tasks/" + next.getString("id")
      + "/recurrence", null);
    assertThat(stopped.statusCode()).as(stopped.bodyAsString()).isEqualTo(204);
  }
}
