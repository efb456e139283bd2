package dev.taskflow.recurrence.series;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.runtime.DueTimer;
import dev.taskflow.core.tasks.Task;
import dev.taskflow.recurrence.rule.InvalidRuleException;
import dev.taskflow.recurrence.rule.Recurrence;
import dev.taskflow.recurrence.rule.RuleTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Spawns a series' next instance, in the caller's transaction with the series row locked: the instance and its
 * {@code taskflow.recurrence.spawned} event commit together, and UNIQUE (series_id, occurrence_at) turns a repeat into
 * a no-op.
 *
 * <p>On completion: only the completion of the series' newest instance spawns (an older one's, or the same one
 * completed again after a reopen that left its spawned instance, does nothing). Reopening the instance whose completion
 * spawned the newest one retracts that one while it is untouched ({@link #onReopened}), so Undo leaves one open copy
 * and completing again spawns again. A schedule-anchored series spawns its next occurrence after the
 * current one; a completion-anchored one the first occurrence after the completion day, at DTSTART's time of day, the
 * rule started afresh from that day (its COUNT counted over the instances).
 *
 * <p>On schedule (the catch-up rule): when a series' next occurrence has come, it spawns the latest occurrence that has
 * come, not every one missed while nothing ran, so downtime never floods the list; the next one it schedules is at
 * least the minimum interval later ({@code recurrence.min.interval.seconds}), whatever the stored rule says.
 *
 * <p>Every rule is evaluated on the {@link RuleEvaluator}'s workers, within its limits, never on the event loop. A
 * stored rule the limits refuse ends its series (logged); one whose evaluation times out is tried again later.
 *
 * <p>The instance copies the newest instance's title, description, priority and tags (the template follows the
 * user's edits), or the stored template when that instance was deleted.
 */
public final class Spawner {

  private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

  /** On-schedule series claimed per transaction. */
  static final int CLAIM_BATCH = 50;

  private final OutboxWriter outbox;
  private final SeriesRules rules;
  private final RuleEvaluator evaluator;

  public Spawner(OutboxWriter outbox, SeriesRules rules, RuleEvaluator evaluator) {
    this.outbox = outbox;
    this.rules = rules;
    this.evaluator = evaluator;
  }

  /** The events {@link #onTaskEvent} acts on: a recurring instance completed, reopened or deleted. */
  public static boolean concernsAnInstance(TaskflowEvent event) {
    boolean completed = EventTypes.TASK_COMPLETED.equals(event.type());
    if (!completed && !EventTypes.TASK_DELETED.equals(event.type())
      && !EventTypes.TASK_REOPENED.equals(event.type())) {
      return false;
    }
    JsonObject task = event.data().getJsonObject("task");
    return task != null && task.getString("seriesId") != null && task.getString("occurrenceAt") != null
      && (!completed || task.getString("completedAt") != null);
  }

  /**
   * The effect of a completed or deleted recurring instance, in the consumer's transaction. Completing the newest
   * instance spawns the next one (on-completion series); deleting the newest instance ends its series, which no
   * instance would carry on any more.
   */
  public Future<Void> onTaskEvent(SqlConnection tx, TaskflowEvent event) {
    if (EventTypes.TASK_REOPENED.equals(event.type())) {
      return onReopened(tx, event);
    }
    JsonObject task = event.data().getJsonObject("task");
    UUID seriesId = UUID.fromString(task.getString("seriesId"));
    OffsetDateTime occurrence = OffsetDateTime.parse(task.getString("occurrenceAt"));
    UUID completedId = UUID.fromString(task.getString("id"));
    return tx.preparedQuery(SeriesSql.SERIES_FOR_UPDATE).execute(Tuple.of(seriesId, event.userId()))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture();
        }
        Series series = Series.from(rows.iterator().next());
        if (!series.lastOccurrenceAt().isEqual(occurrence)) {
          return Future.succeededFuture();
        }
        if (EventTypes.TASK_DELETED.equals(event.type())) {
          LOG.info("Series {} of user {} ends: its newest instance was deleted", series.id(), series.userId());
          return tx.preparedQuery(SeriesSql.END).execute(Tuple.of(series.id())).mapEmpty();
        }
        if (series.onSchedule()) {
          return Future.succeededFuture();
        }
        OffsetDateTime completedAt = OffsetDateTime.parse(task.getString("completedAt"));
        return evaluator.forSpawn(() -> rules.afterCompletion(series, completedAt))
          .recover(e -> refused(tx, series, e).map(v -> (Optional<SeriesRules.Next>) null))
          .compose(next -> {
            if (next == null) {
              return Future.succeededFuture();
            }
            if (next.isEmpty()) {
              LOG.info("Series {} of user {} has ended after {} instances", series.id(), series.userId(),
                series.instances());
              return tx.preparedQuery(SeriesSql.END).execute(Tuple.of(series.id())).mapEmpty();
            }
            return spawn(tx, series, next.get(), completedId, event.correlationId());
          });
      });
  }

  /**
   * A stored rule the limits refuse (one stored before they existed, or one that grew too costly to evaluate, like a
   * SECONDLY COUNT far into its count) can never spawn again: its series ends, and says why in the log. A timeout may be
   * the machine's load, so it fails the attempt (the caller tries again later).
   */
  private static Future<Void> refused(SqlConnection tx, Series series, Throwable e) {
    if (e instanceof InvalidRuleException && !(e instanceof RuleTimeoutException)) {
      LOG.warn("Series {} of user {} ends: its rule is refused now: {}", series.id(), series.userId(), e.getMessage());
      return tx.preparedQuery(SeriesSql.END).execute(Tuple.of(series.id())).mapEmpty();
    }
    return Future.failedFuture(e);
  }

  /** Milliseconds until the earliest on-schedule occurrence, on the database's clock; null when none is waiting. */
  public Future<Long> nextDueMillis(Pool pool) {
    return pool.query(SeriesSql.NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Claims due on-schedule series and spawns their occurrences, one transaction per batch (a full one: maybe more). */
  public Future<DueTimer.Round> spawnDue(Pool pool) {
    return pool.withTransaction(tx -> tx.preparedQuery(SeriesSql.CLAIM_DUE).execute(Tuple.of(CLAIM_BATCH))
      .compose(rows -> {
        List<Series> due = new ArrayList<>(rows.size());
        OffsetDateTime now = null;
        for (Row row : rows) {
          due.add(Series.from(row));
          now = row.getOffsetDateTime("now");
        }
        // in user order, as every transaction that writes for several users takes their rows (no deadlocks)
        due.sort(Comparator.comparing(Series::userId));
        Future<Void> chain = Future.succeededFuture();
        for (Series series : due) {
          OffsetDateTime at = now;
          chain = chain.compose(v -> spawnScheduled(tx, series, at));
        }
        return chain.map(new DueTimer.Round(due.size(), due.size() == CLAIM_BATCH));
      }));
  }

  private Future<Void> spawnScheduled(SqlConnection tx, Series series, OffsetDateTime now) {
    return evaluator.forSpawn(() -> rules.onSchedule(series, now))
      .compose(scheduled -> {
        if (scheduled.spawn() == null) {
          // nothing has come after all (an EXDATE added since, or the series ended): put the schedule right
          Optional<OffsetDateTime> then = scheduled.skipTo();
          return tx.preparedQuery(then.isEmpty() ? SeriesSql.END : SeriesSql.SKIP_TO)
            .execute(then.isEmpty() ? Tuple.of(series.id()) : Tuple.of(series.id(), then.get())).mapEmpty();
        }
        if (!scheduled.spawn().occurrence().equals(scheduled.due())) {
          LOG.info("Series {} catches up: spawning {} and leaving out the occurrences since {}", series.id(),
            scheduled.spawn().occurrence(), scheduled.due());
        }
        return spawn(tx, series, scheduled.spawn(), null, null);
      }, e -> {
        if (e instanceof RuleTimeoutException) {
          // tried again a minimum interval later, not at once (which would spin)
          LOG.warn("Series {} of user {}: {}; trying again in {}", series.id(), series.userId(), e.getMessage(),
            rules.minInterval());
          return tx.preparedQuery(SeriesSql.SKIP_TO)
            .execute(Tuple.of(series.id(), now.plus(rules.minInterval().isZero() ? Duration.ofSeconds(1)
              : rules.minInterval()))).mapEmpty();
        }
        return refused(tx, series, e);
      });
  }

  /**
   * Reopening the instance whose completion spawned the series' newest one retracts that one while it is untouched:
   * still open, never changed (its version as created), no reminder of the user's own. It is deleted with its
   * {@code taskflow.task.deleted} event and its pending reminders cancelled, and the series goes back to before the
   * spawn (the reopened instance its newest again, one instance fewer), all in the consumer's transaction, so
   * completing the reopened one again spawns the next exactly once more. An instance the user has changed stays: then
   * both are open, as the user made them. Per-user order in {@code task-events} has the completion handled first.
   */
  private Future<Void> onReopened(SqlConnection tx, TaskflowEvent event) {
    JsonObject task = event.data().getJsonObject("task");
    UUID reopenedId = UUID.fromString(task.getString("id"));
    UUID seriesId = UUID.fromString(task.getString("seriesId"));
    OffsetDateTime reopenedAt = OffsetDateTime.parse(task.getString("occurrenceAt"));
    return tx.preparedQuery(SeriesSql.SPAWNED_BY).execute(Tuple.of(reopenedId, event.userId(), seriesId))
      .compose(spawned -> {
        if (spawned.size() == 0) {
          return Future.succeededFuture();
        }
        Task next = Task.from(spawned.iterator().next());
        return tx.preparedQuery(SeriesSql.SERIES_FOR_UPDATE).execute(Tuple.of(seriesId, event.userId()))
          .compose(rows -> rows.size() == 0 ? Future.succeededFuture()
            : tx.preparedQuery(SeriesSql.OWN_REMINDERS).execute(Tuple.of(next.id(), event.userId()))
              .compose(own -> {
                Series series = Series.from(rows.iterator().next());
                boolean untouched = Task.OPEN.equals(next.status()) && next.version() == 1
                  && !own.iterator().next().getBoolean(0);
                if (!series.lastOccurrenceAt().isEqual(next.occurrenceAt()) || !untouched) {
                  LOG.info("Task {} reopened; the instance {} its completion spawned stays: {}", reopenedId, next.id(),
                    untouched ? "it is no longer the newest" : "the user has changed it");
                  return Future.succeededFuture();
                }
                return retract(tx, series, next, reopenedId, reopenedAt, event.correlationId());
              }));
      });
  }

  private Future<Void> retract(SqlConnection tx, Series series, Task next, UUID reopenedId, OffsetDateTime reopenedAt,
                               String correlationId) {
    OffsetDateTime following = series.completionAnchored() ? null : next.occurrenceAt();
    return tx.preparedQuery(SeriesSql.DELETE_INSTANCE).execute(Tuple.of(next.id(), series.userId()))
      .compose(v -> tx.preparedQuery(SeriesSql.CANCEL_REMINDERS).execute(Tuple.of(next.id(), series.userId())))
      .compose(v -> tx.preparedQuery(SeriesSql.RETRACT)
        .execute(Tuple.of(series.id(), reopenedAt, next.occurrenceAt(), following)))
      .compose(v -> outbox.append(tx, series.userId(), EventTypes.TASK_DELETED, next.id().toString(), correlationId,
        new JsonObject().put("task", next.toJson()).put("retractedFor", reopenedId.toString())))
      .onSuccess(v -> LOG.info("Series {}: instance {} retracted, as {} whose completion spawned it was reopened",
        series.id(), next.id(), reopenedId))
      .mapEmpty();
  }

  /**
   * Inserts the instance for {@code next} ({@code spawnedFrom}: the completed instance that spawned it, null on
   * schedule), advances the series and writes the spawned event.
   */
  private Future<Void> spawn(SqlConnection tx, Series series, SeriesRules.Next next, UUID spawnedFrom,
                             String correlationId) {
    LocalDateTime occurrence = next.occurrence();
    ZoneId zone = ZoneId.of(series.timezone());
    OffsetDateTime at = ZonedDateTime.of(occurrence, zone).toOffsetDateTime();
    OffsetDateTime following = series.completionAnchored() ? null : next.following();
    return tx.preparedQuery(SeriesSql.INSTANCE).execute(Tuple.of(series.id(), series.lastOccurrenceAt()))
      .compose(current -> {
        Task previous = current.size() == 0 ? null : Task.from(current.iterator().next());
        JsonObject template = previous == null ? series.template() : Series.templateOf(previous);
        return tx.preparedQuery(SeriesSql.INSERT_INSTANCE).execute(Tuple.from(new Object[]{UUID.randomUUID(),
            series.userId(), template.getString("title"), template.getString("description", ""),
            template.getString("priority", "normal"), tags(template), at, zone.getId(), series.id(), spawnedFrom,
            projectOf(template)}))
          .compose(inserted -> {
            Future<Void> advanced = tx.preparedQuery(SeriesSql.ADVANCE)
              .execute(Tuple.of(series.id(), at, following, template)).mapEmpty();
            if (inserted.size() == 0) {
              LOG.warn("Series {} already had an instance for {}; moving on", series.id(), occurrence);
              return advanced;
            }
            Task instance = Task.from(inserted.iterator().next());
            JsonObject data = new JsonObject().put("task", instance.toJson()).put("seriesId", series.id().toString())
              .put("occurrenceAt", Task.instant(at))
              .put("occurrence", Recurrence.format(ZonedDateTime.of(occurrence, zone).toLocalDateTime()))
              .put("previousTaskId", previous == null ? null : previous.id().toString());
            return advanced
              .compose(v -> outbox.append(tx, series.userId(), EventTypes.RECURRENCE_SPAWNED,
                instance.id().toString(), correlationId, data))
              .onSuccess(v -> LOG.debug("Series {} spawned {} for {}", series.id(), instance.id(), occurrence))
              .mapEmpty();
          });
      });
  }

  /** The project the series' instances go to; a template from before projects has none (the Inbox). */
  private static UUID projectOf(JsonObject template) {
    String id = template.getString("projectId");
    return id == null ? null : UUID.fromString(id);
  }

  private static String[] tags(JsonObject template) {
    return template.getJsonArray("tags", new JsonArray()).stream()
      .map(String::valueOf).toArray(String[]::new);
  }
}
