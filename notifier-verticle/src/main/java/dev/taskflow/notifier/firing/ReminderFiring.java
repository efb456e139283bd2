package dev.taskflow.notifier.firing;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.reminders.Reminder;
import dev.taskflow.core.tasks.Task;
import dev.taskflow.core.runtime.DueTimer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Fires due reminders, exactly once: one transaction claims a batch ({@code FOR UPDATE SKIP LOCKED}), marks each
 * {@code fired} and writes its {@code taskflow.reminder.triggered} event to the outbox, and commits; the state change
 * and the event stand or fall together, whichever notifier instance ran them.
 *
 * <p>Locks are taken in one order everywhere, so nothing deadlocks: the API locks a task, then its reminders, then
 * (writing its event) the user's row; a firing transaction locks reminders, reads their tasks without locking them,
 * then takes the users' rows in user-id order. A task completed while its reminder is being fired waits for the
 * firing to commit and then finds the reminder fired; a reminder whose task is found completed or gone (a writer that
 * did not cancel it) is cancelled instead of fired.
 */
public final class ReminderFiring {

  private static final Logger LOG = LoggerFactory.getLogger(ReminderFiring.class);

  private final Pool pool;
  private final OutboxWriter outbox;
  private final int batchSize;
  private final Duration lateAfter;
  private final String instance;

  /** @param instance names this notifier in {@code fired_by}, for diagnosis */
  public ReminderFiring(Pool pool, OutboxWriter outbox, int batchSize, Duration lateAfter, String instance) {
    this.pool = pool;
    this.outbox = outbox;
    this.batchSize = batchSize;
    this.lateAfter = lateAfter;
    this.instance = instance;
  }

  public Future<Long> nextDueMillis() {
    return pool.query(FiringSql.NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Fires one batch of what is due. */
  public Future<DueTimer.Round> fireDue() {
    return pool.withTransaction(tx -> tx.preparedQuery(FiringSql.CLAIM).execute(Tuple.of(batchSize))
      .compose(rows -> {
        List<Reminder> claimed = new ArrayList<>(rows.size());
        rows.forEach(row -> claimed.add(Reminder.from(row)));
        return claimed.isEmpty() ? Future.succeededFuture(0) : fire(tx, claimed).map(claimed.size());
      }))
      .map(count -> new DueTimer.Round(count, count == batchSize));
  }

  private Future<Void> fire(SqlConnection tx, List<Reminder> claimed) {
    UUID[] taskIds = claimed.stream().map(Reminder::taskId).distinct().toArray(UUID[]::new);
    UUID[] reminderIds = claimed.stream().map(Reminder::id).toArray(UUID[]::new);
    Map<UUID, Task> tasks = new HashMap<>();
    Set<UUID> ofMembers = new HashSet<>();
    return tx.preparedQuery(FiringSql.TASKS).execute(Tuple.of(taskIds))
      .compose(rows -> {
        rows.forEach(row -> tasks.put(row.getUUID("id"), Task.from(row)));
        return tx.preparedQuery(FiringSql.OF_MEMBERS).execute(Tuple.of(reminderIds));
      })
      .compose(members -> {
        members.forEach(row -> ofMembers.add(row.getUUID("id")));
        List<UUID> live = new ArrayList<>();
        List<UUID> dead = new ArrayList<>();
        for (Reminder reminder : claimed) {
          Task task = tasks.get(reminder.taskId());
          boolean open = task != null && ofMembers.contains(reminder.id()) && Task.OPEN.equals(task.status());
          (open ? live : dead).add(reminder.id());
        }
        Future<?> cancelled = dead.isEmpty() ? Future.succeededFuture()
          : tx.preparedQuery(FiringSql.CANCEL).execute(Tuple.of((Object) dead.toArray(UUID[]::new)));
        if (!dead.isEmpty()) {
          LOG.info("Cancelled {} due reminders whose task is completed or gone, or whose setter left its project",
            dead.size());
        }
        if (live.isEmpty()) {
          return cancelled.mapEmpty();
        }
        return cancelled
          .compose(v -> tx.preparedQuery(FiringSql.FIRE).execute(Tuple.of(live.toArray(UUID[]::new), instance)))
          .compose(fired -> {
            List<Reminder> firedReminders = new ArrayList<>(fired.size());
            for (Row row : fired) {
              firedReminders.add(Reminder.from(row));
            }
            // users' rows in one order, so two firing transactions cannot wait on each other
            firedReminders.sort(Comparator.comparing(Reminder::userId).thenComparing(Reminder::fireAt));
            List<Future<?>> appended = new ArrayList<>(firedReminders.size());
            for (Reminder reminder : firedReminders) {
              appended.add(append(tx, reminder, tasks.get(reminder.taskId())));
            }
            return Future.all(appended).mapEmpty();
          });
      });
  }

  /** The event: the task as it is, the reminder as fired, when it was due and when it fired, and whether late. */
  private Future<?> append(SqlConnection tx, Reminder fired, Task task) {
    Duration lateness = Duration.between(fired.fireAt(), fired.firedAt());
    boolean late = lateness.compareTo(lateAfter) > 0;
    if (late) {
      LOG.info("Reminder {} of task {} fires {} ms late", fired.id(), fired.taskId(), lateness.toMillis());
    }
    JsonObject data = new JsonObject()
      .put("task", task.toJson())
      .put("reminder", fired.toJson())
      .put("fireAt", Task.instant(fired.fireAt()))
      .put("firedAt", Task.instant(fired.firedAt()))
      .put("late", late);
    return outbox.append(tx, fired.userId(), EventTypes.REMINDER_TRIGGERED, task.id().toString(), null, data);
  }
}
