package dev.taskflow.notifier.delivery;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.eventbus.EventBusTransport;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.tasks.Task;
import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recurring task's next instance, as the recurrence verticle announces it ({@code taskflow.recurrence.spawned} on
 * task-events, written here the way it writes it), inherits the relative reminders of the instance before.
 */
@DisplayName("Recurring instances inherit relative reminders")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InheritanceTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  NotifierFixture fixture;

  @BeforeAll
  void start() {
    fixture = new NotifierFixture(db, new JsonObject());
    fixture.deploy(new RelayVerticle());
    fixture.deploy(new DeliveryVerticle());
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private void relative(Task task, String offset, String state, OffsetDateTime fireAt) {
    fixture.query("INSERT INTO reminders (id, task_id, user_id, due_offset, fire_at, state) VALUES ($1, $2, $3, $4, $5, "
      + "$6)", UUID.randomUUID(), task.id(), task.userId(), offset, fireAt, state);
  }

  private TaskflowEvent spawned(Task previous, Task next) {
    JsonObject data = new JsonObject().put("task", next.toJson()).put("seriesId", UUID.randomUUID().toString())
      .put("occurrenceAt", Task.instant(next.dueAt())).put("previousTaskId", previous.id().toString());
    return TestKafka.await(fixture.sql.withTransaction(tx -> new OutboxWriter("recurrence")
      .append(tx, next.userId(), EventTypes.RECURRENCE_SPAWNED, next.id().toString(), null, data)));
  }

  private Map<String, Row> remindersOf(Task task) {
    Map<String, Row> byOffset = new HashMap<>();
    fixture.query("SELECT due_offset, remind_at, fire_at, state, inherited_from FROM reminders WHERE task_id = $1",
      task.id()).forEach(row -> byOffset.put(row.getString("due_offset"), row));
    return byOffset;
  }

  @Test
  @DisplayName("copies every offset reminder of the previous instance, timed from the new due date, once")
  void inherits() {
    UUID user = fixture.user();
    Task previous = fixture.task(user, OffsetDateTime.parse("2030-10-20T09:00:00+02:00"), "Europe/Paris");
    relative(previous, "-PT30M", "fired", OffsetDateTime.parse("2030-10-20T06:30:00Z"));
    relative(previous, "-P1D", "cancelled", OffsetDateTime.parse("2030-10-19T07:00:00Z"));
    fixture.reminderAt(previous, OffsetDateTime.parse("2030-10-20T05:00:00Z"));
    Task next = fixture.task(user, OffsetDateTime.parse("2030-10-27T09:00:00+01:00"), "Europe/Paris");

    TaskflowEvent event = spawned(previous, next);
    waitUntil("the new instance's reminders", () -> remindersOf(next).size() == 2);

    Map<String, Row> inherited = remindersOf(next);
    assertThat(inherited).containsOnlyKeys("-PT30M", "-P1D");
    assertThat(inherited.get("-PT30M").getOffsetDateTime("fire_at")).isEqualTo("2030-10-27T07:30:00Z");
    // the day before at 09:00 local, still summer time (+02:00)
    assertThat(inherited.get("-P1D").getOffsetDateTime("fire_at")).isEqualTo("2030-10-26T07:00:00Z");
    assertThat(inherited.values()).allMatch(row -> "pending".equals(row.getString("state"))
      && row.getUUID("inherited_from") != null);

    // the same event again, and the same spawn announced twice: nothing more
    fixture.vertx.eventBus().publish(EventBusTransport.address(Topics.TASK_EVENTS), event.toJson());
    spawned(previous, next);
    waitUntil("both to be handled", () -> fixture.count("SELECT count(*) FROM processed_events "
      + "WHERE consumer = 'notifier' AND event_id IN (SELECT event_id FROM outbox WHERE user_id = $1)", user) == 2);
    assertThat(remindersOf(next)).hasSize(2);
  }

  @Test
  @DisplayName("an instance spawned completed gets them cancelled; one without a due date gets them unscheduled")
  void completedOrUndated() {
    UUID user = fixture.user();
    Task previous = fixture.task(user, OffsetDateTime.parse("2030-01-01T10:00:00Z"), null);
    relative(previous, "-PT1H", "fired", OffsetDateTime.parse("2030-01-01T09:00:00Z"));
    Task undated = fixture.task(user, null, null);
    Task completed = fixture.task(user, OffsetDateTime.parse("2030-01-08T10:00:00Z"), null);
    fixture.query("UPDATE tasks SET status = 'completed', completed_at = now() WHERE id = $1", completed.id());

    spawned(previous, undated);
    spawned(previous, completed);
    waitUntil("both instances' reminders", () -> remindersOf(undated).size() == 1 && remindersOf(completed).size() == 1);

    Row unscheduled = remindersOf(undated).get("-PT1H");
    assertThat(unscheduled.getOffsetDateTime("fire_at")).isNull();
    assertThat(unscheduled.getString("state")).isEqualTo("pending");
    Row cancelled = remindersOf(completed).get("-PT1H");
    assertThat(cancelled.getString("state")).isEqualTo("cancelled");
    assertThat(cancelled.getOffsetDateTime("fire_at")).isEqualTo("2030-01-08T09:00:00Z");
  }
}
