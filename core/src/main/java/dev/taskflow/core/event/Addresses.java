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
  /**
   * Publish: {@code {userId, sessions: [ids]}}, sessions just revoked (logout, log out everywhere, a password change,
   * a reuse of a spent refresh token, account deletion); every API instance closes those sessions' live sockets.
   */
  public static final String SESSIONS_REVOKED = "sessions.revoked";

  private Addresses() {
  }

  public static String tasksOf(UUID userId) {
    return "tasks.user." + userId;
  }

  public static String notificationsOf(UUID userId) {
    return "notifications.user." + userId;
  }
}
