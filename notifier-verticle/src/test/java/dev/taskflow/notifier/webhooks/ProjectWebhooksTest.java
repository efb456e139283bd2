package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierFixture;
import dev.taskflow.notifier.delivery.DeliveryVerticle;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.taskflow.core.kafka.TestKafka.await;
import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks of shared projects: an event of a project, written under the project's account as the API writes it,
 * reaches the webhooks of every member of the project as it stands when the event is queued; reminders and events
 * without a project stay their user's. Projects and members are rows written straight to the database; events go
 * through the outbox, the relay and the notifier's consumer, and a local receiver counts what is sent to it.
 */
@DisplayName("Webhooks of shared projects")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectWebhooksTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  NotifierFixture fixture;
  HttpServer receiver;
  /** The Taskflow-Webhook-Id and event id of every request the receiver got. */
  final Queue<String> received = new ConcurrentLinkedQueue<>();

  @BeforeAll
  void start() {
    fixture = new NotifierFixture(db, new JsonObject().put("webhooks.allow.private", true));
    receiver = await(fixture.vertx.createHttpServer()
      .requestHandler(request -> request.body().onSuccess(body -> {
        received.add(request.getHeader("Taskflow-Webhook-Id") + " " + body.toJsonObject().getString("id"));
        request.response().end();
      }))
      .listen(0, "127.0.0.1"));
    fixture.deploy(new RelayVerticle());
    fixture.deploy(new DeliveryVerticle());
    fixture.deploy(new WebhookVerticle(WebhookTargets.SYSTEM, null));
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private UUID webhook(UUID user, String... events) {
    return fixture.webhook(user, "http://127.0.0.1:" + receiver.actualPort() + "/hook", "whsec_" + user, events);
  }

  private UUID project(UUID account, String name) {
    UUID id = UUID.randomUUID();
    fixture.query("INSERT INTO projects (id, user_id, name) VALUES ($1, $2, $3)", id, account, name);
    member(id, account, "owner");
    return id;
  }

  private void member(UUID project, UUID user, String role) {
    fixture.query("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)", project, user, role);
  }

  private UUID inbox(UUID account) {
    return fixture.query("SELECT id FROM projects WHERE user_id = $1 AND inbox", account).iterator().next().getUUID(0);
  }

  /** An event under the account, as the API writes one: the project's account, the actor in data. */
  private TaskflowEvent event(UUID account, String type, JsonObject data) {
    return await(fixture.sql.withTransaction(tx -> new OutboxWriter("api")
      .append(tx, account, type, UUID.randomUUID().toString(), null, data)));
  }

  private TaskflowEvent taskEvent(UUID account, String type, UUID project, UUID actor) {
    return event(account, type, taskData(project, actor));
  }

  /** A task event's data: a new task of the project, changed by {@code actor}. */
  private static JsonObject taskData(UUID project, UUID actor) {
    JsonObject task = new JsonObject().put("id", UUID.randomUUID().toString()).put("title", "Shared")
      .put("projectId", project.toString());
    return new JsonObject().put("task", task).put("actorId", actor.toString());
  }

  private TaskflowEvent projectEvent(UUID account, String type, UUID project, JsonObject member) {
    return event(account, type, projectData(account, project, member));
  }

  /** A project event's data, by its account; {@code member} (null: none) for the member events. */
  private static JsonObject projectData(UUID account, UUID project, JsonObject member) {
    JsonObject data = new JsonObject().put("project", new JsonObject().put("id", project.toString())
      .put("name", "Launch").put("inbox", false).put("ownerId", account.toString())).put("actorId", account.toString());
    return member == null ? data : data.put("member", member);
  }

  /** The webhooks the event was queued for. */
  private List<UUID> queuedFor(TaskflowEvent event) {
    List<UUID> webhooks = new ArrayList<>();
    fixture.query("SELECT webhook_id FROM webhook_deliveries WHERE event_id = $1 ORDER BY webhook_id", event.id())
      .forEach(row -> webhooks.add(row.getUUID(0)));
    return webhooks;
  }

  /** Waits until the event is queued for the webhook; events of one account are consumed in order. */
  private void awaitQueued(TaskflowEvent event, UUID webhook) {
    waitUntil(event.type() + " to be queued for " + webhook, () -> queuedFor(event).contains(webhook));
  }

  @Test
  @DisplayName("an event of a shared project reaches each member's webhooks once, as its owner's delivery, and no "
    + "one else's; a webhook's event types still filter")
  void members() {
    UUID ada = fixture.user();
    UUID bob = fixture.user();
    UUID dan = fixture.user();
    UUID adaHook = webhook(ada, EventTypes.TASK_UPDATED);
    UUID bobHook = webhook(bob, EventTypes.TASK_UPDATED, EventTypes.TASK_CREATED);
    UUID bobDeletesOnly = webhook(bob, EventTypes.TASK_DELETED);
    UUID danHook = webhook(dan, EventTypes.TASK_UPDATED);
    UUID project = project(ada, "Launch");
    member(project, bob, "editor");

    TaskflowEvent updated = taskEvent(ada, EventTypes.TASK_UPDATED, project, bob);

    waitUntil("both members' receivers to get it", () -> received.contains(adaHook + " " + updated.id())
      && received.contains(bobHook + " " + updated.id()));
    assertThat(queuedFor(updated)).containsExactlyInAnyOrder(adaHook, bobHook);
    assertThat(fixture.webhookDelivery(adaHook).getUUID("user_id")).isEqualTo(ada);
    assertThat(fixture.webhookDelivery(bobHook).getUUID("user_id")).as("the delivery is its webhook owner's")
      .isEqualTo(bob);
    assertThat(received).filteredOn(r -> r.endsWith(updated.id().toString())).hasSize(2);
    assertThat(queuedFor(updated)).doesNotContain(danHook, bobDeletesOnly);
  }

  @Test
  @DisplayName("a member removed gets member.removed, and nothing of the project after it")
  void removedMember() {
    UUID ada = fixture.user();
    UUID bob = fixture.user();
    UUID adaHook = webhook(ada, EventTypes.PROJECT_MEMBER_REMOVED, EventTypes.TASK_UPDATED);
    UUID bobHook = webhook(bob, EventTypes.PROJECT_MEMBER_REMOVED, EventTypes.TASK_UPDATED);
    UUID project = project(ada, "Launch");
    member(project, bob, "editor");
    TaskflowEvent before = taskEvent(ada, EventTypes.TASK_UPDATED, project, ada);
    awaitQueued(before, bobHook);

    fixture.query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2", project, bob);
    TaskflowEvent removed = projectEvent(ada, EventTypes.PROJECT_MEMBER_REMOVED, project,
      new JsonObject().put("userId", bob.toString()).put("role", "editor"));
    TaskflowEvent after = taskEvent(ada, EventTypes.TASK_UPDATED, project, ada);

    awaitQueued(after, adaHook);
    assertThat(queuedFor(removed)).containsExactlyInAnyOrder(adaHook, bobHook);
    assertThat(queuedFor(after)).containsExactly(adaHook);
  }

  @Test
  @DisplayName("a member added after an event gets nothing of it, even when the queue takes it only after the addition")
  void addedAfter() {
    UUID ada = fixture.user();
    UUID bob = fixture.user();
    UUID adaHook = webhook(ada, EventTypes.PROJECT_MEMBER_ADDED, EventTypes.TASK_UPDATED);
    UUID bobHook = webhook(bob, EventTypes.PROJECT_MEMBER_ADDED, EventTypes.TASK_UPDATED);
    UUID project = project(ada, "Launch");
    OutboxWriter outbox = new OutboxWriter("api");
    // as a lagging queue sees them: the event before the addition is queued when bob is a member already
    List<TaskflowEvent> written = await(fixture.sql.withTransaction(tx -> outbox.append(tx, ada,
        EventTypes.TASK_UPDATED, UUID.randomUUID().toString(), null, taskData(project, ada))
      .compose(before -> tx.preparedQuery("INSERT INTO project_members (project_id, user_id, role) "
          + "VALUES ($1, $2, 'editor')").execute(Tuple.of(project, bob))
        .compose(v -> outbox.append(tx, ada, EventTypes.PROJECT_MEMBER_ADDED, project.toString(), null,
          projectData(ada, project, new JsonObject().put("userId", bob.toString()).put("role", "editor"))))
        .compose(added -> tx.preparedQuery("UPDATE project_members SET added_seq = $3 WHERE project_id = $1 "
          + "AND user_id = $2").execute(Tuple.of(project, bob, added.sequence())).map(List.of(before, added))))));
    TaskflowEvent after = taskEvent(ada, EventTypes.TASK_UPDATED, project, bob);

    awaitQueued(after, bobHook);
    assertThat(queuedFor(written.get(0))).as("the event from before bob was added").containsExactly(adaHook);
    assertThat(queuedFor(written.get(1))).as("his addition").containsExactlyInAnyOrder(adaHook, bobHook);
    assertThat(queuedFor(after)).containsExactlyInAnyOrder(adaHook, bobHook);
  }

  @Test
  @DisplayName("a reminder of a shared project's task reaches only its setter's webhooks")
  void reminderIsTheSetters() {
    UUID ada = fixture.user();
    UUID bob = fixture.user();
    UUID adaHook = webhook(ada, EventTypes.REMINDER_TRIGGERED);
    UUID bobHook = webhook(bob, EventTypes.REMINDER_TRIGGERED);
    UUID project = project(ada, "Launch");
    member(project, bob, "editor");
    JsonObject task = new JsonObject().put("id", UUID.randomUUID().toString()).put("projectId", project.toString());

    TaskflowEvent reminder = event(bob, EventTypes.REMINDER_TRIGGERED, new JsonObject().put("task", task)
      .put("reminder", new JsonObject().put("id", UUID.randomUUID().toString()))
      .put("fireAt", Instant.now().toString()).put("firedAt", Instant.now().toString()).put("late", false));

    awaitQueued(reminder, bobHook);
    assertThat(queuedFor(reminder)).as("not the other member's, " + adaHook).containsExactly(bobHook);
  }

  @Test
  @DisplayName("an event of an Inbox task, or without a project, reaches only its account's webhooks")
  void inbox() {
    UUID ada = fixture.user();
    UUID bob = fixture.user();
    UUID adaHook = webhook(ada, EventTypes.TASK_CREATED, EventTypes.TASK_UPDATED);
    UUID bobHook = webhook(bob, EventTypes.TASK_CREATED, EventTypes.TASK_UPDATED);
    member(project(ada, "Launch"), bob, "viewer");

    TaskflowEvent inInbox = taskEvent(ada, EventTypes.TASK_CREATED, inbox(ada), ada);
    TaskflowEvent noProject = event(ada, EventTypes.TASK_UPDATED,
      new JsonObject().put("task", new JsonObject().put("id", UUID.randomUUID().toString())));

    awaitQueued(noProject, adaHook);
    assertThat(queuedFor(inInbox)).as("not the other user's, " + bobHook).containsExactly(adaHook);
    assertThat(queuedFor(noProject)).containsExactly(adaHook);
  }

  @Test
  @DisplayName("project.deleted, its members gone with it, reaches the account and the former members it lists")
  void deletedProject() {
    UUID ada = fixture.user();
    UUID bob = fixture.user();
    UUID dan = fixture.user();
    UUID adaHook = webhook(ada, EventTypes.PROJECT_DELETED);
    UUID bobHook = webhook(bob, EventTypes.PROJECT_DELETED);
    UUID danHook = webhook(dan, EventTypes.PROJECT_DELETED);
    UUID listed = project(ada, "Listed");
    member(listed, bob, "editor");
    UUID unlisted = project(ada, "Unlisted");
    member(unlisted, dan, "editor");
    fixture.query("DELETE FROM projects WHERE id = ANY($1)", (Object) new UUID[]{listed, unlisted});

    TaskflowEvent withIds = event(ada, EventTypes.PROJECT_DELETED, new JsonObject()
      .put("project", new JsonObject().put("id", listed.toString())).put("actorId", ada.toString())
      .put("memberIds", new JsonArray().add(ada.toString()).add(bob.toString())));
    TaskflowEvent withoutIds = projectEvent(ada, EventTypes.PROJECT_DELETED, unlisted, null);

    awaitQueued(withoutIds, adaHook);
    assertThat(queuedFor(withIds)).containsExactlyInAnyOrder(adaHook, bobHook);
    assertThat(queuedFor(withoutIds)).as("no former members listed: the account's own").containsExactly(adaHook)
      .doesNotContain(danHook);
  }
}
