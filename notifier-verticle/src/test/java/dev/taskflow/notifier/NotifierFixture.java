package dev.taskflow.notifier;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.tasks.Task;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.taskflow.core.kafka.TestKafka.await;
import static dev.taskflow.core.kafka.TestKafka.waitUntil;

/**
 * A Vert.x, a test class's database and the configuration its verticles get (the broker-less event-bus transport),
 * and rows written straight to the database: the notifier reads the database, not the API. Waits happen on the
 * test thread, never on an event loop.
 */
public final class NotifierFixture implements AutoCloseable {

  public final Vertx vertx;
  public final JsonObject config;
  public final Pool sql;

  public NotifierFixture(TestDatabase db, JsonObject overrides) {
    vertx = TaskflowVertx.create();
    config = db.config().mergeIn(overrides);
    sql = Database.pool(vertx, db.settings());
  }

  public String deploy(Deployable verticle) {
    return await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config)));
  }

  public void undeploy(String id) {
    await(vertx.undeploy(id));
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public RowSet<Row> query(String query, Object... params) {
    return await(sql.preparedQuery(query).execute(Tuple.from(params)));
  }

  public long count(String query, Object... params) {
    return query(query, params).iterator().next().getLong(0);
  }

  public OffsetDateTime dbNow() {
    return query("SELECT now()").iterator().next().getOffsetDateTime(0);
  }

  public UUID user() {
    UUID id = UUID.randomUUID();
    query("INSERT INTO users (id, email, display_name) VALUES ($1, $2, 'Notified')", id, id + "@example.com");
    return id;
  }

  public Task task(UUID userId, OffsetDateTime dueAt, String timezone) {
    return Task.from(query("INSERT INTO tasks (id, user_id, title, due_at, timezone) VALUES ($1, $2, 'Remind me', $3, "
      + "$4) RETURNING " + Task.COLUMNS, UUID.randomUUID(), userId, dueAt, timezone).iterator().next());
  }

  /** A pending absolute reminder at {@code at}. */
  public UUID reminderAt(Task task, OffsetDateTime at) {
    UUID id = UUID.randomUUID();
    query("INSERT INTO reminders (id, task_id, user_id, remind_at, fire_at) VALUES ($1, $2, $3, $4, $4)", id, task.id(),
      task.userId(), at);
    return id;
  }

  /** The {@code taskflow.reminder.triggered} events written for a reminder, oldest first. */
  public RowSet<Row> triggered(UUID reminderId) {
    return query("SELECT event FROM outbox WHERE event->>'type' = 'taskflow.reminder.triggered' "
      + "AND event->'data'->'reminder'->>'id' = $1 ORDER BY position", reminderId.toString());
  }

  public String state(UUID reminderId) {
    return query("SELECT state FROM reminders WHERE id = $1", reminderId).iterator().next().getString(0);
  }

  /** A webhook as stored, with no check of its URL: the notifier must not trust that the API checked it. */
  public UUID webhook(UUID userId, String url, String secret, String... events) {
    UUID id = UUID.randomUUID();
    query("INSERT INTO webhooks (id, user_id, url, events, secret) VALUES ($1, $2, $3, $4, $5)", id, userId, url,
      events.length == 0 ? new String[]{EventTypes.REMINDER_TRIGGERED} : events, secret);
    return id;
  }

  /** A {@code taskflow.reminder.triggered} event for the user, written to the outbox for the relay to publish. */
  public TaskflowEvent reminderTriggered(UUID userId) {
    JsonObject data = new JsonObject().put("task", new JsonObject().put("id", UUID.randomUUID().toString()))
      .put("reminder", new JsonObject().put("id", UUID.randomUUID().toString()))
      .put("fireAt", Instant.now().toString()).put("firedAt", Instant.now().toString()).put("late", false);
    return await(sql.withTransaction(tx -> new OutboxWriter("notifier")
      .append(tx, userId, EventTypes.REMINDER_TRIGGERED, UUID.randomUUID().toString(), null, data)));
  }

  /** The webhook's one delivery. */
  public Row webhookDelivery(UUID webhookId) {
    return query("SELECT * FROM webhook_deliveries WHERE webhook_id = $1", webhookId).iterator().next();
  }

  /** The attempts at the webhook's deliveries, in order. */
  public List<Row> webhookAttempts(UUID webhookId) {
    List<Row> attempts = new ArrayList<>();
    query("SELECT a.* FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id "
      + "WHERE d.webhook_id = $1 ORDER BY a.attempt", webhookId).forEach(attempts::add);
    return attempts;
  }

  /** Waits for the webhook's one delivery to be delivered or failed, and tells which. */
  public String finalDeliveryState(UUID webhookId) {
    waitUntil("the delivery to finish", () -> count("SELECT count(*) FROM webhook_deliveries "
      + "WHERE webhook_id = $1 AND state <> 'pending'", webhookId) == 1);
    return webhookDelivery(webhookId).getString("state");
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
