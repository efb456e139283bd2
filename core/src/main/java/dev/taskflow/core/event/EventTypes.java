package dev.taskflow.core.event;

/** The CloudEvent {@code type} values of the event contract (DESIGN.md, "Events"). */
public final class EventTypes {

  public static final String TASK_CREATED = "taskflow.task.created";
  public static final String TASK_UPDATED = "taskflow.task.updated";
  public static final String TASK_COMPLETED = "taskflow.task.completed";
  public static final String TASK_REOPENED = "taskflow.task.reopened";
  public static final String TASK_DELETED = "taskflow.task.deleted";
  /**
   * The task's manual position changed: data has the snapshot ({@code task}), the ids of its new neighbours
   * ({@code after}, {@code before}; null at an end of its list) and {@code respaced} (true when other tasks of the list
   * got new positions too, keeping their order: a client that sorts by position reloads the list).
   */
  public static final String TASK_MOVED = "taskflow.task.moved";
  public static final String RECURRENCE_SPAWNED = "taskflow.recurrence.spawned";
  public static final String REMINDER_TRIGGERED = "taskflow.reminder.triggered";
  /**
   * The account was deleted, with all its data (subject and {@code data.userId}: the user id; nothing else of the
   * user). The last event of a user: the audit service erases that user's history on it, keeping only this event.
   */
  public static final String ACCOUNT_DELETED = "taskflow.account.deleted";

  /**
   * Projects (issue 14), written under the project's account: data has {@code project} (id, name, inbox, ownerId,
   * createdAt, updatedAt, version), {@code actorId} (who did it) and, for the member events, {@code member}
   * ({@code userId}, {@code role}).
   */
  public static final String PROJECT_CREATED = "taskflow.project.created";
  public static final String PROJECT_UPDATED = "taskflow.project.updated";
  public static final String PROJECT_DELETED = "taskflow.project.deleted";
  public static final String PROJECT_MEMBER_ADDED = "taskflow.project.member.added";
  public static final String PROJECT_MEMBER_UPDATED = "taskflow.project.member.updated";
  public static final String PROJECT_MEMBER_REMOVED = "taskflow.project.member.removed";

  public static final java.util.List<String> ALL = java.util.List.of(TASK_CREATED, TASK_UPDATED, TASK_COMPLETED,
    TASK_REOPENED, TASK_DELETED, RECURRENCE_SPAWNED, REMINDER_TRIGGERED, TASK_MOVED, PROJECT_CREATED, PROJECT_UPDATED,
    PROJECT_DELETED, PROJECT_MEMBER_ADDED, PROJECT_MEMBER_UPDATED, PROJECT_MEMBER_REMOVED);

  private EventTypes() {
  }

  /** The durable topic an event of this type is published on. */
  public static String topicOf(String type) {
    return REMINDER_TRIGGERED.equals(type) ? Topics.REMINDERS : Topics.TASK_EVENTS;
  }
}
