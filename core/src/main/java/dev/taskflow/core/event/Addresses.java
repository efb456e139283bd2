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

  /**
   * Publish: {@code {projectId, userIds: [ids]}}, users who just lost access to a project (removed from it, or the
   * project deleted); every API instance closes their live sockets that follow the project.
   */
  public static final String PROJECTS_ACCESS_REVOKED = "projects.access.revoked";

  private Addresses() {
  }

  public static String tasksOf(UUID userId) {
    return "tasks.user." + userId;
  }

  /** The live address of one project's task and project events; its members' browsers follow it. */
  public static String tasksOfProject(UUID projectId) {
    return "tasks.project." + projectId;
  }

  public static String notificationsOf(UUID userId) {
    return "notifications.user." + userId;
  }
}
