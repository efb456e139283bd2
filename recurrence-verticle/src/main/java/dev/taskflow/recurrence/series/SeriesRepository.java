package dev.taskflow.recurrence.series;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.reminders.ReminderOffset;
import dev.taskflow.core.reminders.ReminderWriter;
import dev.taskflow.core.tasks.Task;
import dev.taskflow.recurrence.rule.Recurrence;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What users do to series: create a recurring task, make a task recurring, stop, skip, list. Every change commits with
 * its one task event ({@code taskflow.task.created} or {@code taskflow.task.updated}, whose {@code changes.recurrence}
 * has the series before and after).
 *
 * <p>Making a task recurring starts a new series with that task as its first instance, its due date the series'
 * DTSTART; a task already recurring leaves its old series (which stops) for the new one. Only a series' newest instance
 * can be given a new rule or be skipped: an earlier instance is history; a stop works from any instance. A new rule
 * moves the task to its first occurrence at or after DTSTART (the asked one, else the task's due date), so the task
 * is due where the preview starts. A user has at
 * most {@code maxSeriesPerUser} active series (409 beyond). Every rule is evaluated on the {@link RuleEvaluator}'s
 * workers before anything is written.
 */
public final class SeriesRepository {

  /** How often a rule change is planned again when the task's due date moved while it was evaluated. */
  private static final int SET_ATTEMPTS = 3;

  /** A new task's fields, as the API checked them. */
  public record TaskFields(String title, String description, String priority, List<String> tags,
                           OffsetDateTime dueAt, String timezone, UUID projectId) {

    public static TaskFields from(JsonObject json) {
      JsonArray tags = json.getJsonArray("tags", new JsonArray());
      return new TaskFields(json.getString("title"), json.getString("description", ""),
        json.getString("priority", "normal"), tags.stream().map(String::valueOf).toList(),
        json.getString("dueAt") == null ? null : OffsetDateTime.parse(json.getString("dueAt")),
        json.getString("timezone"),
        json.getString("projectId") == null ? null : UUID.fromString(json.getString("projectId")));
    }
  }

  /** A page of series, each as JSON with its current instance's id; {@code last} is set when more follow. */
  public record Page(List<JsonObject> items, Series last) {
  }

  private final Pool pool;
  private final OutboxWriter outbox;
  private final SeriesRules rules;
  private final RuleEvaluator evaluator;
  private final int maxSeriesPerUser;

  public SeriesRepository(Pool pool, OutboxWriter outbox, SeriesRules rules, RuleEvaluator evaluator,
                          int maxSeriesPerUser) {
    this.pool = pool;
    this.outbox = outbox;
    this.rules = rules;
    this.evaluator = evaluator;
    this.maxSeriesPerUser = maxSeriesPerUser;
  }

  /**
   * Creates a task, its series and its reminders ({@code [{at} | {offset}]}, checked by the API) in one transaction; the
   * one event is the task's creation. The rule is evaluated first, off the event loop and within its limits: a rule
   * refused, or one that cannot be evaluated in time, leaves nothing behind, and nothing is committed after the answer
   * could be a timeout.
   */
  public Future<JsonObject> createTask(UUID userId, UUID reminded, TaskFields fields, SeriesSpec spec,
                                       JsonArray reminders, String correlationId) {
    JsonObject template = new JsonObject().put("title", fields.title()).put("description", fields.description())
      .put("priority", fields.priority()).put("tags", new JsonArray(fields.tags()))
      .put("projectId", fields.projectId() == null ? null : fields.projectId().toString());
    return evaluator.forRequest(() -> rules.plan(spec, fields.dueAt(), fields.timezone()))
      .compose(plan -> pool.withTransaction(tx -> underSeriesCap(tx, userId, null)
        .compose(v -> createInTransaction(tx, userId, reminded, fields, spec, plan, template, reminders,
          correlationId))));
  }

  private Future<JsonObject> createInTransaction(SqlConnection tx, UUID userId, UUID reminded, TaskFields fields,
                                                 SeriesSpec spec,
                                                 SeriesRules.Plan plan, JsonObject template, JsonArray reminders,
                                                 String correlationId) {
    Recurrence recurrence = plan.recurrence();
    OffsetDateTime start = plan.start();
    return insertSeries(tx, userId, plan, spec, template)
      .compose(series -> tx.preparedQuery(SeriesSql.INSERT_INSTANCE).execute(Tuple.from(new Object[]{
          UUID.randomUUID(), userId, fields.title(), fields.description(), fields.priority(),
          fields.tags().toArray(String[]::new), start, recurrence.zone().getId(), series.id(), null,
          fields.projectId()}))
        .compose(rows -> {
          Task task = Task.from(rows.iterator().next());
          JsonObject seriesJson = series.toJson(task.id());
          return addReminders(tx, task, reminded, reminders)
            .compose(added -> outbox.append(tx, userId, EventTypes.TASK_CREATED, task.id().toString(), correlationId,
                new JsonObject().put("task", task.toJson()).put("recurrence", seriesJson))
              .map(v -> new JsonObject().put("task", task.toJson()).put("series", seriesJson)
                .put("reminders", added)));
        }));
  }

  /**
   * Refuses (409) a new series beyond {@code recurrence.max.series.per.user} active ones, {@code replacing} (an active
   * series the new one replaces) not counted. The user's row is locked first, so two requests cannot both take the last
   * place.
   */
  private Future<Void> underSeriesCap(SqlConnection tx, UUID userId, UUID replacing) {
    return tx.preparedQuery(SeriesSql.LOCK_USER).execute(Tuple.of(userId))
      .compose(v -> tx.preparedQuery(SeriesSql.ACTIVE_COUNT).execute(Tuple.of(userId, replacing)))
      .map(rows -> {
        long active = rows.iterator().next().getLong(0);
        if (active >= maxSeriesPerUser) {
          throw SeriesProblem.conflict("You have " + active + " active recurring series, the most one user may have ("
            + maxSeriesPerUser + "); stop one (DELETE /tasks/{id}/recurrence) before starting another.");
        }
        return null;
      });
  }

  private static Future<JsonArray> addReminders(SqlConnection tx, Task task, UUID reminded, JsonArray reminders) {
    JsonArray added = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (Object item : reminders == null ? new JsonArray() : reminders) {
      JsonObject reminder = (JsonObject) item;
      OffsetDateTime at = reminder.getString("at") == null ? null : OffsetDateTime.parse(reminder.getString("at"));
      ReminderOffset offset = reminder.getString("offset") == null ? null
        : ReminderOffset.parse(reminder.getString("offset"));
      chain = chain.compose(v -> ReminderWriter.insert(tx, task, reminded, at, offset, null)
        .map(inserted -> {
          inserted.ifPresent(r -> added.add(r.toJson()));
          return null;
        }));
    }
    return chain.map(added);
  }

  /**
   * {@code PUT /tasks/{id}/recurrence}. The rule is evaluated (off the event loop, within its limits) before the
   * transaction, so no row lock is held while a rule is evaluated: from the task as read then; if its due date or zone
   * changed before the lock was taken, it is planned again from the task as it is then (up to {@code SET_ATTEMPTS}
   * times, then a 409: the plan was made from a date that is no longer the task's). The task is due at the new rule's first occurrence (see {@link SeriesRules#plan}), with a
   * {@code changes.dueAt} in its updated event when that moves it.
   */
  public Future<JsonObject> set(UUID userId, UUID taskId, SeriesSpec spec, String correlationId) {
    return set(userId, taskId, spec, correlationId, SET_ATTEMPTS);
  }

  /**
   * One attempt of {@link #set}; a task whose due date moved meanwhile (most often by a concurrent {@code PUT} of the
   * same rule) is planned again from what it is now, up to {@code attempts} times, then a 409.
   */
  private Future<JsonObject> set(UUID userId, UUID taskId, SeriesSpec spec, String correlationId, int attempts) {
    return findTask(userId, taskId)
      .compose(seen -> evaluator.forRequest(() -> rules.plan(spec, seen.dueAt(), seen.timezone()))
        .compose(plan -> pool.withTransaction(tx -> lockTask(tx, userId, taskId).compose(task -> {
          if (!sameStart(seen, task)) {
            throw new StaleStart();
          }
          if (task.parentId() != null) {
            throw SeriesProblem.unprocessable("Task " + task.id() + " is a subtask; a subtask cannot repeat (its next "
              + "occurrence would have no parent). Make its parent repeat, or move it to the top level first.");
          }
          return currentSeries(tx, task)
            .compose(old -> underSeriesCap(tx, userId, old.map(Series::id).orElse(null))
              .compose(v -> replaceSeries(tx, userId, task, old, plan, spec, correlationId)));
        }))))
      .recover(e -> {
        if (!(e instanceof StaleStart)) {
          return Future.failedFuture(e);
        }
        return attempts > 1 ? set(userId, taskId, spec, correlationId, attempts - 1)
          : Future.failedFuture(SeriesProblem.conflict("Task " + taskId + " got another due date or zone while its new "
            + "rule was evaluated; try again."));
      });
  }

  /** The task's due date or zone changed between planning and locking it. */
  private static final class StaleStart extends RuntimeException {
    StaleStart() {
      super(null, null, false, false);
    }
  }

  private Future<Task> findTask(UUID userId, UUID taskId) {
    return pool.preparedQuery(SeriesSql.TASK).execute(Tuple.of(taskId, userId)).map(rows -> {
      if (rows.size() == 0) {
        throw SeriesProblem.notFound("No task " + taskId + ".");
      }
      return Task.from(rows.iterator().next());
    });
  }

  /** Whether the plan made from {@code seen} still holds for {@code now}: the same due date and zone. */
  private static boolean sameStart(Task seen, Task now) {
    boolean sameDue = seen.dueAt() == null ? now.dueAt() == null
      : now.dueAt() != null && seen.dueAt().isEqual(now.dueAt());
    return sameDue && Objects.equals(seen.timezone(), now.timezone());
  }

  private Future<JsonObject> replaceSeries(SqlConnection tx, UUID userId, Task task, Optional<Series> old,
                                           SeriesRules.Plan plan, SeriesSpec spec, String correlationId) {
    UUID taskId = task.id();
    Recurrence recurrence = plan.recurrence();
    OffsetDateTime start = plan.start();
    Future<Void> stopped = old.isEmpty() ? Future.succeededFuture()
      : tx.preparedQuery(SeriesSql.END).execute(Tuple.of(old.get().id())).mapEmpty();
    return stopped
      .compose(v -> insertSeries(tx, userId, plan, spec, Series.templateOf(task)))
      .compose(series -> tx.preparedQuery(SeriesSql.ATTACH)
        .execute(Tuple.of(taskId, userId, series.id(), start, recurrence.zone().getId()))
        .compose(rows -> {
          Task attached = Task.from(rows.iterator().next());
          return ReminderWriter.moveRelative(tx, attached).map(attached);
        })
        .compose(attached -> {
          JsonObject seriesJson = series.toJson(taskId);
          JsonObject changes = new JsonObject().put("recurrence", new JsonObject()
            .put("old", old.map(s -> s.toJson(taskId)).orElse(null)).put("new", seriesJson));
          if (task.dueAt() == null || !task.dueAt().isEqual(attached.dueAt())) {
            changes.put("dueAt", change(Task.instant(task.dueAt()), Task.instant(attached.dueAt())));
          }
          if (!attached.timezone().equals(task.timezone())) {
            changes.put("timezone", change(task.timezone(), attached.timezone()));
          }
          return updated(tx, attached, correlationId, changes)
            .map(v -> new JsonObject().put("task", attached.toJson()).put("series", seriesJson));
        }));
  }

  /**
   * {@code DELETE /tasks/{id}/recurrence}: the series stops, in one call, from any of its instances and whatever its
   * rule (nothing is evaluated, so a rule the limits refuse now stops too). Called on the newest instance, that task
   * stays, no longer an instance of it; called on an earlier one, that one stays history and the newest keeps its
   * place in the ended series, as when COUNT ends it. The one event is an update of the task called on.
   */
  public Future<JsonObject> stop(UUID userId, UUID taskId, String correlationId) {
    return pool.withTransaction(tx -> lockTask(tx, userId, taskId).compose(task -> activeSeries(tx, task)
      .compose(found -> {
        Series series = found.orElseThrow(() -> SeriesProblem.notFound("Task " + taskId + " is not recurring."));
        JsonObject changes = new JsonObject().put("recurrence", change(series.toJson(taskId), null));
        Future<Task> after;
        if (series.lastOccurrenceAt().isEqual(task.occurrenceAt())) {
          changes.put("seriesId", change(series.id().toString(), null));
          after = tx.preparedQuery(SeriesSql.DETACH).execute(Tuple.of(taskId, userId))
            .map(rows -> Task.from(rows.iterator().next()));
        } else {
          after = Future.succeededFuture(task);
        }
        return tx.preparedQuery(SeriesSql.END).execute(Tuple.of(series.id()))
          .compose(v -> after)
          .compose(stopped -> updated(tx, stopped, correlationId, changes)
            .map(v -> new JsonObject().put("task", stopped.toJson())));
      })));
  }

  /** {@code POST /tasks/{id}/recurrence/skip}: the next scheduled occurrence becomes an EXDATE. */
  public Future<JsonObject> skip(UUID userId, UUID taskId, String correlationId) {
    return pool.withTransaction(tx -> lockTask(tx, userId, taskId).compose(task -> currentSeries(tx, task)
      .compose(found -> {
        Series series = found.orElseThrow(() -> SeriesProblem.notFound("Task " + taskId + " is not recurring."));
        if (series.completionAnchored()) {
          throw SeriesProblem.conflict("This series is completion-anchored: its next occurrence is set when the task "
            + "is completed, so there is no scheduled one to skip.");
        }
        return evaluator.forRequest(() -> rules.skip(series)).compose(skip -> tx.preparedQuery(SeriesSql.SKIP)
          .execute(Tuple.of(series.id(), skip.skipped(), skip.next(), skip.next() != null))
          .compose(rows -> {
            JsonObject seriesJson = Series.from(rows.iterator().next()).toJson(taskId).put("skipped",
              Recurrence.format(skip.skipped()));
            JsonObject changes = new JsonObject().put("recurrence", change(series.toJson(taskId), seriesJson));
            return updated(tx, task, correlationId, changes).map(v -> seriesJson);
          }));
      })));
  }

  /** {@code GET /tasks/recurring}: active series, newest first. */
  public Future<Page> list(UUID userId, int limit, OffsetDateTime afterCreated, UUID afterId) {
    return pool.preparedQuery(SeriesSql.LIST).execute(Tuple.of(userId, afterCreated, afterId, limit + 1))
      .map(rows -> {
        List<JsonObject> items = new ArrayList<>(limit);
        Series last = null;
        boolean more = false;
        for (Row row : rows) {
          if (items.size() == limit) {
            more = true;
            break;
          }
          last = Series.from(row);
          items.add(last.toJson(row.getUUID("task_id")));
        }
        return new Page(items, more ? last : null);
      });
  }

  private Future<Series> insertSeries(SqlConnection tx, UUID userId, SeriesRules.Plan plan, SeriesSpec spec,
                                      JsonObject template) {
    Recurrence recurrence = plan.recurrence();
    return tx.preparedQuery(SeriesSql.INSERT_SERIES).execute(Tuple.from(new Object[]{UUID.randomUUID(), userId,
        recurrence.rrule(), recurrence.start(), recurrence.zone().getId(), spec.anchor(), spec.spawn(), template,
        plan.start(), plan.next()}))
      .map(rows -> Series.from(rows.iterator().next()));
  }

  private static Future<Task> lockTask(SqlConnection tx, UUID userId, UUID taskId) {
    return tx.preparedQuery(SeriesSql.TASK_FOR_UPDATE).execute(Tuple.of(taskId, userId)).map(rows -> {
      if (rows.size() == 0) {
        throw SeriesProblem.notFound("No task " + taskId + ".");
      }
      return Task.from(rows.iterator().next());
    });
  }

  /** The active series the task is the newest instance of; a 409 for an earlier instance of one. */
  private static Future<Optional<Series>> currentSeries(SqlConnection tx, Task task) {
    return activeSeries(tx, task).map(found -> {
      found.filter(series -> !series.lastOccurrenceAt().isEqual(task.occurrenceAt())).ifPresent(series -> {
        throw SeriesProblem.conflict("Task " + task.id() + " is an earlier instance of its series; change the "
          + "recurrence on the newest one.");
      });
      return found;
    });
  }

  /** The active series the task is an instance of, locked. */
  private static Future<Optional<Series>> activeSeries(SqlConnection tx, Task task) {
    if (task.seriesId() == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return tx.preparedQuery(SeriesSql.SERIES_FOR_UPDATE).execute(Tuple.of(task.seriesId(), task.userId()))
      .map(rows -> rows.size() == 0 ? Optional.<Series>empty() : Optional.of(Series.from(rows.iterator().next())));
  }

  private Future<Void> updated(SqlConnection tx, Task task, String correlationId, JsonObject changes) {
    return outbox.append(tx, task.userId(), EventTypes.TASK_UPDATED, task.id().toString(), correlationId,
      new JsonObject().put("task", task.toJson()).put("changes", changes)).mapEmpty();
  }

  private static JsonObject change(Object old, Object now) {
    return new JsonObject().put("old", old).put("new", now);
  }
}
