package dev.taskflow.api.reminders;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.tasks.TaskInput;
import dev.taskflow.core.reminders.ReminderOffset;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A reminder as a request asks for it, checked: {@code {"at": <date-time>}} (absolute, in the future by the
 * database's clock, see {@link #requireAhead}) or {@code {"offset": <ISO-8601 duration>}} (relative to the task's due
 * date, see {@link ReminderOffset}).
 */
public record ReminderSpec(OffsetDateTime at, ReminderOffset offset) {

  /** The most reminders one task may have. */
  public static final int MAX_PER_TASK = 20;

  /** As the recurrence service takes it with a new recurring task: {@code {at}} or {@code {offset}}. */
  public JsonObject toJson() {
    return at != null ? new JsonObject().put("at", at.toInstant().toString())
      : new JsonObject().put("offset", offset.toString());
  }

  /** One reminder from a validated body; {@code field} names it in the messages. */
  public static ReminderSpec from(JsonObject json, String field) {
    boolean hasAt = json.getValue("at") != null;
    boolean hasOffset = json.getValue("offset") != null;
    if (hasAt == hasOffset) {
      throw Problem.badRequest(field + " must have either 'offset' (relative to the due date, e.g. -PT30M) or 'at' "
        + "(a date-time), not " + (hasAt ? "both." : "neither."));
    }
    if (hasOffset) {
      try {
        return new ReminderSpec(null, ReminderOffset.parse(field + ".offset", json.getString("offset")));
      } catch (IllegalArgumentException e) {
        throw Problem.badRequest(e.getMessage());
      }
    }
    OffsetDateTime at = TaskInput.instant(field + ".at", json.getString("at"));
    // whether it is still ahead is the database's clock's to say, where it is stored (requireAhead)
    // in UTC, so the same instant written with two offsets is one reminder (and caught as a repeat)
    return new ReminderSpec(at.withOffsetSameInstant(java.time.ZoneOffset.UTC), null);
  }

  /**
   * Refuses ({@code 400}) an absolute reminder whose time is not after the database's {@code now()}, in the transaction
   * that stores it: the notifier fires by the database's clock, so that is the clock that says what has passed, not
   * the API process's.
   *
   * @param field names the reminder in the message
   */
  public Future<Void> requireAhead(SqlClient tx, String field) {
    if (at == null) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(ReminderSql.PASSED).execute(Tuple.of(at)).map(rows -> {
      if (rows.iterator().next().getBoolean(0)) {
        throw Problem.badRequest(field + ".at must be in the future; " + at.toInstant() + " has passed.");
      }
      return null;
    });
  }

  /**
   * The {@code reminders} of a new task: at most {@link #MAX_PER_TASK}, no repeats, relative ones only when the task
   * will have a due date ({@code dated}).
   */
  public static List<ReminderSpec> list(JsonArray array, boolean dated) {
    if (array == null) {
      return List.of();
    }
    if (array.size() > MAX_PER_TASK) {
      throw Problem.badRequest("reminders: a task has at most " + MAX_PER_TASK + " reminders; " + array.size()
        + " were given.");
    }
    List<ReminderSpec> specs = new ArrayList<>(array.size());
    Set<ReminderSpec> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String field = "reminders[" + i + "]";
      ReminderSpec spec = from(array.getJsonObject(i), field);
      if (spec.offset() != null && !dated) {
        throw Problem.badRequest(field + " is relative to the due date, and the task has no dueAt: give one, or use "
          + "'at'.");
      }
      if (!seen.add(spec)) {
        throw Problem.badRequest(field + " repeats an earlier reminder.");
      }
      specs.add(spec);
    }
    return specs;
  }
}
