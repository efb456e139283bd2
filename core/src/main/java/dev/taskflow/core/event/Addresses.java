package dev.taskflow.core.event;

import java.util.UUID;

/** Event-bus addresses (DESIGN.md). Messages are JSON, so they cross a clustered event bus without codecs. */
public final class Addresses {

  /** Request/reply: a user's event history, answered by the audit verticle. */
  public static final String AUDIT_HISTORY = "audit.history";
  /** Request/reply: the occurrences of a rule, answered by the recurrence verticle. */
  public static final String RECURRENCE_PREVIEW = "recurrence.preview";
  /** Request/reply: create, set, stop, skip and list series, answered by the recurrence verticle. */
  public static final String RECURRENCE_SERIES = "recurrence.series";

  private Addresses() {
  }

  public static String tasksOf(UUID userId) {
    return "tasks.user." + userId;
  }

  public static String notificationsOf(UUID userId) {
    return "notifications.user." + userId;
  }
}
