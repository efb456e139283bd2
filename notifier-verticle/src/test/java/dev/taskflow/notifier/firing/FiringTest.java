package dev.taskflow.notifier.firing;

import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.tasks.Task;
import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierFixture;
import dev.taskflow.notifier.NotifierVerticle;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Firing reminders")
class FiringTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  NotifierFixture fixture;

  @BeforeEach
  void start() {
    fixture = new NotifierFixture(db, new JsonObject()
      .put("notifier.batch.size", 25)
      .put("notifier.late.after.ms", 500L));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  /** Each message received on the address, with the time it arrived. */
  private record Received(JsonObject event, Instant at) {
  }

  private Queue<Received> listen(UUID userId) {
    Queue<Received> received = new ConcurrentLinkedQueue<>();
    MessageConsumer<JsonObject> consumer = fixture.vertx.eventBus().consumer(Addresses.notificationsOf(userId),
      message -> received.add(new Received(message.body(), Instant.now())));
    TestKafka.await(consumer.completion());
    return received;
  }

  @Test
  @DisplayName("a reminder set 3 s ahead, while the timer is armed for later, fires once within 1 s of its time and "
    + "reaches notifications.user.<userId>")
  void onTime() {
    fixture.deploy(new RelayVerticle());
    fixture.deploy(new NotifierVerticle());
    UUID user = fixture.user();
    Queue<Received> received = listen(user);
    Task task = fixture.task(user, null, null);
    fixture.reminderAt(task, fixture.dbNow().plusHours(1));

    OffsetDateTime fireAt = fixture.dbNow().plusSeconds(3);
    UUID reminder = fixture.reminderAt(task, fireAt);
    waitUntil("the reminder reaches the user's address", () -> !received.isEmpty());

    Received first = received.peek();
    JsonObject data = first.event().getJsonObject("data");
    assertThat(first.event().getString("type")).isEqualTo("taskflow.reminder.triggered");
    assertThat(first.event().getString("subject")).isEqualTo(task.id().toString());
    assertThat(data.getJsonObject("reminder").getString("id")).isEqualTo(reminder.toString());
    assertThat(data.getJsonObject("task").getString("title")).isEqualTo("Remind me");
    assertThat(Instant.parse(data.getString("fireAt"))).isEqualTo(fireAt.toInstant());
    assertThat(data.getBoolean("late")).isFalse();
    Duration firedAfter = Duration.between(fireAt.toInstant(), Instant.parse(data.getString("firedAt")));
    Duration receivedAfter = Duration.between(fireAt.toInstant(), first.at());
    assertThat(firedAfter).as("fired_at - fire_at").isBetween(Duration.ZERO, Duration.ofSeconds(1));
    assertThat(receivedAfter).as("received - fire_at").isBetween(Duration.ZERO, Duration.ofSeconds(1));
    assertThat(fixture.triggered(reminder)).hasSize(1);
    assertThat(fixture.state(reminder)).isEqualTo("fired");
    assertThat(received).hasSize(1);
  }

  @Test
  @DisplayName("two notifiers on one database fire 1,000 reminders due within the same minute exactly once each")
  void twoInstances() {
    fixture.deploy(new FiringVerticle());
    fixture.deploy(new FiringVerticle());
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tasks.add(fixture.task(fixture.user(), null, null));
    }
    OffsetDateTime base = fixture.dbNow().plusSeconds(2);
    fixture.query("""
      INSERT INTO reminders (id, task_id, user_id, remind_at, fire_at)
      SELECT gen_random_uuid(), t.id, t.user_id, $1 + make_interval(secs => n * 0.002), $1 + make_interval(secs => n * 0.002)
        FROM generate_series(0, 999) AS n
        JOIN tasks t ON t.id = ($2::uuid[])[1 + n % 10]
      """, base, tasks.stream().map(Task::id).toArray(UUID[]::new));

    UUID[] users = tasks.stream().map(Task::userId).toArray(UUID[]::new);
    waitUntil("1,000 reminders fired", () -> fixture.count("SELECT count(*) FROM reminders WHERE state = 'fired' "
      + "AND user_id = ANY($1)", (Object) users) == 1000);

    String triggered = "FROM outbox WHERE event->>'type' = 'taskflow.reminder.triggered' AND user_id = ANY($1)";
    assertThat(fixture.count("SELECT count(*) " + triggered, (Object) users)).isEqualTo(1000);
    assertThat(fixture.count("SELECT count(DISTINCT event->'data'->'reminder'->>'id') " + triggered, (Object) users))
      .isEqualTo(1000);
    assertThat(fixture.count("SELECT count(*) FROM reminders WHERE state <> 'fired' AND user_id = ANY($1)",
      (Object) users)).isZero();
    List<Long> perInstance = new ArrayList<>();
    for (Row row : fixture.query("SELECT fired_by, count(*) FROM reminders WHERE user_id = ANY($1) GROUP BY fired_by",
      (Object) users)) {
      perInstance.add(row.getLong(1));
    }
    assertThat(perInstance).as("reminders fired by each instance").hasSize(2).allMatch(n -> n > 0);
    // each user's events carry a gapless sequence, though two instances wrote them
    assertThat(fixture.count("SELECT count(*) FROM (SELECT user_id, max(sequence) - min(sequence) + 1 - count(*) AS gap "
      + "FROM outbox GROUP BY user_id) g WHERE gap <> 0")).isZero();
  }

  @Test
  @DisplayName("a reminder that came due while no notifier ran fires once when one starts, marked late")
  void lateAfterRestart() {
    String notifier = fixture.deploy(new FiringVerticle());
    Task task = fixture.task(fixture.user(), null, null);
    fixture.undeploy(notifier);
    OffsetDateTime fireAt = fixture.dbNow().plusSeconds(1);
    UUID reminder = fixture.reminderAt(task, fireAt);

    waitUntil("the reminder's time and the lateness threshold to pass",
      () -> fixture.dbNow().isAfter(fireAt.plus(Duration.ofMillis(600))));
    assertThat(fixture.state(reminder)).isEqualTo("pending");
    fixture.deploy(new FiringVerticle());

    waitUntil("the missed reminder to fire", () -> "fired".equals(fixture.state(reminder)));
    List<Row> events = new ArrayList<>();
    fixture.triggered(reminder).forEach(events::add);
    assertThat(events).hasSize(1);
    JsonObject data = events.get(0).getJsonObject(0).getJsonObject("data");
    assertThat(data.getBoolean("late")).isTrue();
    assertThat(Instant.parse(data.getString("firedAt"))).isAfter(fireAt.toInstant().plusMillis(500));
  }

  @Test
  @DisplayName("a due reminder of a task completed or deleted behind the API's back is cancelled, not fired")
  void taskGone() {
    fixture.deploy(new FiringVerticle());
    Task completed = fixture.task(fixture.user(), null, null);
    fixture.query("UPDATE tasks SET status = 'completed', completed_at = now() WHERE id = $1", completed.id());
    Task deleted = fixture.task(fixture.user(), null, null);
    Task open = fixture.task(fixture.user(), null, null);
    OffsetDateTime now = fixture.dbNow();
    UUID ofCompleted = fixture.reminderAt(completed, now.plusNanos(200_000_000));
    UUID ofDeleted = fixture.reminderAt(deleted, now.plusNanos(200_000_000));
    fixture.query("DELETE FROM tasks WHERE id = $1", deleted.id());
    UUID ofOpen = fixture.reminderAt(open, now.plusNanos(300_000_000));

    waitUntil("the open task's reminder to fire", () -> "fired".equals(fixture.state(ofOpen)));
    waitUntil("the others to be settled", () -> !"pending".equals(fixture.state(ofCompleted))
      && !"pending".equals(fixture.state(ofDeleted)));

    assertThat(fixture.state(ofCompleted)).isEqualTo("cancelled");
    assertThat(fixture.state(ofDeleted)).isEqualTo("cancelled");
    assertThat(fixture.triggered(ofCompleted)).isEmpty();
    assertThat(fixture.triggered(ofDeleted)).isEmpty();
  }

  @Test
  @DisplayName("a fired reminder scheduled again (a snooze) fires again: the update re-arms the timer")
  void firesAgain() {
    fixture.deploy(new FiringVerticle());
    Task task = fixture.task(fixture.user(), null, null);
    UUID reminder = fixture.reminderAt(task, fixture.dbNow().plusNanos(200_000_000));
    waitUntil("the first firing", () -> fixture.triggered(reminder).size() == 1);

    fixture.query("UPDATE reminders SET state = 'pending', fire_at = now() + interval '300 milliseconds', "
      + "fired_at = NULL, snoozes = snoozes + 1 WHERE id = $1", reminder);

    waitUntil("the second firing", () -> fixture.triggered(reminder).size() == 2);
    assertThat(fixture.state(reminder)).isEqualTo("fired");
  }
}
