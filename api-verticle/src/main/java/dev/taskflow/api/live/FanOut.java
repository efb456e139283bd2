package dev.taskflow.api.live;

import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventSubscriber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.UUID;

/**
 * Publishes the events of {@code task-events} (consumer group {@code live}) on the event-bus addresses each node's
 * bridge hands to browsers; with the clustered event bus a publish reaches every node.
 *
 * <p>Every event goes on {@code tasks.user.<event.userId>}, the account it is written under, as before projects: the
 * account's own tabs merge them by its {@code sequence}. Shared projects need more, as their members are other users:
 * <ul>
 *   <li>an event about a project's task or about the project itself also goes on {@code tasks.project.<projectId>},
 *   which the bridge lets only the project's members follow. The project is {@code data.task.projectId} for task
 *   events ({@code taskflow.task.*}, {@code taskflow.recurrence.spawned}) and {@code data.project.id} for project
 *   events ({@code taskflow.project.*}); an event without either (such as {@code taskflow.account.deleted}) has no
 *   project;</li>
 *   <li>{@code taskflow.project.member.added} and {@code .removed} also go on {@code tasks.user.<data.member.userId>}
 *   when that user is not the account: the added user learns of a project they do not follow yet, the removed one of
 *   the project they no longer may;</li>
 *   <li>reminder events ({@code taskflow.reminder.*}) never go on a project's address, though they carry
 *   {@code data.task.projectId}: a reminder is its setter's own, and the other members must not see it. (They are on
 *   the {@code reminders} topic, not read here; the rule holds should one reach {@code task-events}.)</li>
 * </ul>
 * A redelivery publishes again, which is harmless: clients merge by sequence or by task version. A subscription that
 * cannot start (the broker is down) is retried, so the API serves meanwhile.
 */
public final class FanOut {

  private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);
  public static final String GROUP = "live";
  private static final long RETRY_MS = 5_000;
  private static final String REMINDER_EVENTS = "taskflow.reminder.";
  private static final String PROJECT_EVENTS = "taskflow.project.";

  private final Vertx vertx;
  private final EventSubscriber subscriber;
  private boolean closed;

  public FanOut(Vertx vertx, EventSubscriber subscriber) {
    this.vertx = vertx;
    this.subscriber = subscriber;
  }

  public void start() {
    EventBus eventBus = vertx.eventBus();
    subscriber.subscribe(Topics.TASK_EVENTS, GROUP, event -> publish(eventBus, event))
      .onSuccess(v -> LOG.info("Live updates: {} -> tasks.user.<id>, tasks.project.<id>", Topics.TASK_EVENTS))
      .onFailure(e -> {
        if (!closed) {
          LOG.warn("Live updates could not subscribe to {}, retrying in {} ms: {}", Topics.TASK_EVENTS, RETRY_MS,
            e.toString());
          vertx.setTimer(RETRY_MS, id -> start());
        }
      });
  }

  private static Future<Void> publish(EventBus eventBus, TaskflowEvent event) {
    JsonObject json = event.toJson();
    eventBus.publish(Addresses.tasksOf(event.userId()), json);
    projectOf(event).ifPresent(project -> eventBus.publish(Addresses.tasksOfProject(project), json));
    affectedMember(event).ifPresent(member -> eventBus.publish(Addresses.tasksOf(member), json));
    return Future.succeededFuture();
  }

  /** The project whose members see the event, if it has one and is not a reminder (see the class comment). */
  static Optional<UUID> projectOf(TaskflowEvent event) {
    if (event.type().startsWith(REMINDER_EVENTS)) {
      return Optional.empty();
    }
    return event.type().startsWith(PROJECT_EVENTS)
      ? uuid(field(event.data(), "project", "id"))
      : uuid(field(event.data(), "task", "projectId"));
  }

  /** The user a member was added or removed, when not the account itself (which has the event already). */
  static Optional<UUID> affectedMember(TaskflowEvent event) {
    if (!EventTypes.PROJECT_MEMBER_ADDED.equals(event.type())
      && !EventTypes.PROJECT_MEMBER_REMOVED.equals(event.type())) {
      return Optional.empty();
    }
    return uuid(field(event.data(), "member", "userId")).filter(id -> !id.equals(event.userId()));
  }

  /** {@code data.<object>.<key>}, or null where the data is not of that shape. */
  private static Object field(JsonObject data, String object, String key) {
    return data.getValue(object) instanceof JsonObject inner ? inner.getValue(key) : null;
  }

  /** A well-formed id, or nothing: an event of an unforeseen shape is still published on the account's address. */
  private static Optional<UUID> uuid(Object value) {
    if (!(value instanceof String text)) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      LOG.warn("Live updates: an event names the malformed id {}; only its account's address gets it", text);
      return Optional.empty();
    }
  }

  public Future<Void> close() {
    closed = true;
    return subscriber.close();
  }
}
