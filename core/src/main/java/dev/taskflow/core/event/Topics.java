package dev.taskflow.core.event;

/** Durable topic names. The key of every record is the user id, so one user's events stay in order. */
public final class Topics {

  public static final String TASK_EVENTS = "task-events";
  public static final String REMINDERS = "reminders";

  private Topics() {
  }

  /** Where an event goes after its retry budget is spent. */
  public static String deadLetter(String topic) {
    return topic + ".dlq";
  }
}
