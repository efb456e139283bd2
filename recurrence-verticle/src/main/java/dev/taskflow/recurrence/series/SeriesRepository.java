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
import java.util.Optional;
import java.util.UUID;

/**
 * What users do to series: create a recurring task, make a task recurring, stop, skip, list. Every change commits with
 * its one task event ({@code taskflow.task.created} or {@code taskflow.task.updated}, whose {@code changes.recurrence}
 * has the series before and after).
 *
 * <p>Making a task recurring starts a new series with that task as its first instance, its due date the series'
 * DTSTART; a task already recurring leaves its old series (which stops) for the new one. Only a series' newest instance
 * can be given a new rule, be stopped or skipped: an earlier instance is history.
 */
public final class SeriesRepository {

  /** A new task's fields, as the API checked them. */
  public record TaskFields(String title, String description, String priority, List<String> tags,
                           OffsetDateTime dueAt, String timezone) {

    public static TaskFields from(JsonObject json) {
      JsonArray tags = json.getJsonArray("tags", new JsonArray());
      return new TaskFields(json.getString("title"), json.getString("description", ""),
        json.getString("priority", "normal"), tags.stream().map(String::valueOf).toList(),
        json.getString("dueAt") == null ? null : OffsetDateTime.parse(json.getString("dueAt")),
        json.getString("timezone"));
    }
  }

  /** A page of series, each as JSON with its current instance's id; {@code last} is set when more follow. */
  public record Page(List<JsonObject> items, Series last) {
  }

  private final Pool pool;
  private final OutboxWriter outbox;

  public SeriesRepository(Pool pool, OutboxWriter outbox) {
    this.pool = pool;
    this.outbox = outbox;
  }

  /**
   * Creates a task, its series and its reminders ({@code [{at} | {offset}]}, checked by the API) in one transaction; the
   * one event is the task's creation.
   */
  public Future<JsonObject> createTask(UUID userId, TaskFields fields, SeriesSpec spec, JsonArray reminders,
                                       String correlationId) {
    Recurrence recurrence = spec.resolve(fields.dueAt(), fields.timezone());
    OffsetDateTime start = recurrence.zoned(recurrence.start()).toOffsetDateTime();
    JsonObject template = new JsonObject().put("title", fields.title()).put("description", fields.description())
      .put("priority", fields.priority()).put("tags", new JsonArray(fields.tags()));
    return pool.withTransaction(tx -> insertSeries(tx, userId, recurrence, spec, template)
      .compose(series -> tx.preparedQuery(SeriesSql.INSERT_INSTANCE).execute(Tuple.from(new Object[]{
          UUID.randomUUID(), userId, fields.title(), fields.description(), fields.priority(),
          fields.tags().toArray(String[]::new), start, recurrence.zone().getId(), series.id()}))
        .compose(rows -> {
          Task task = Task.from(rows.iterator().next());
          JsonObject seriesJson = series.toJson(task.id());
          return addReminders(tx, task, reminders)
            .compose(added -> outbox.append(tx, userId, EventTypes.TASK_CREATED, task.id().toString(), correlationId,
                new JsonObject().put("task", task.toJson()).put("recurrence", seriesJson))
              .map(v -> new JsonObject().put("task", task.toJson()).put("series", seriesJson)
                .put("reminders", added)));
        })));
  }

  private static Future<JsonArray> addReminders(SqlConnection tx, Task task, JsonArray reminders) {
    JsonArray added = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (Object item : reminders == null ? new JsonArray() : reminders) {
      JsonObject reminder = (JsonObject) item;
      OffsetDateTime at = reminder.getString("at") == null ? null : OffsetDateTime.parse(reminder.getString("at"));
      ReminderOffset offset = reminder.getString("offset") == null ? null
        : ReminderOffset.parse(reminder.getString("offset"));
      chain = chain.compose(v -> ReminderWriter.insert(tx, task, at, offset, null)
        .map(inserted -> {
          inserted.ifPresent(r -> added.add(r.toJson()));
          return null;
        }));
    }
    return chain.map(added);
  }

  /** {@code PUT /tasks/{id}/recurrence}. */
  public Future<JsonObject> set(UUID userId, UUID taskId, SeriesSpec spec, String correlationId) {
    return pool.withTransaction(tx -> lockTask(tx, userId, taskId).compose(task -> currentSeries(tx, task)
      .compose(old -> {
        Recurrence recurrence = spec.resolve(task.dueAt(), task.timezone());
        OffsetDateTime start = recurrence.zoned(recurrence.start()).toOffsetDateTime();
        Future<Void> stopped = old.isEmpty() ? Future.succeededFuture()
          : tx.preparedQuery(SeriesSql.END).execute(Tuple.of(old.get().id())).mapEmpty();
        return stopped
          .compose(v -> insertSeries(tx, userId, recurrence, spec, Series.templateOf(task)))
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
      })));
  }

  /** {@code DELETE /tasks/{id}/recurrence}: the series stops; the task stays, no longer an instance of it. */
  public Future<JsonObject> stop(UUID userId, UUID taskId, String correlationId) {
    return pool.withTransaction(tx -> lockTask(tx, userId, taskId).compose(task -> currentSeries(tx, task)
      .compose(series -> {
        if (series.isEmpty()) {
          throw SeriesProblem.notFound("Task " + taskId + " is not recurring.");
        }
        return tx.preparedQuery(SeriesSql.END).execute(Tuple.of(series.get().id()))
          .compose(v -> tx.preparedQuery(SeriesSql.DETACH).execute(Tuple.of(taskId, userId)))
          .compose(rows -> {
            Task detached = Task.from(rows.iterator().next());
            JsonObject changes = new JsonObject()
              .put("recurrence", change(series.get().toJson(taskId), null))
              .put("seriesId", change(series.get().id().toString(), null));
            return updated(tx, detached, correlationId, changes).map(v -> new JsonObject().put("task",
              detached.toJson()));
          });
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
        Recurrence recurrence = series.recurrence();
        LocalDateTime skipped = recurrence.firstAfter(Spawner.local(series.lastOccurrenceAt(), recurrence))
          .orElseThrow(() -> SeriesProblem.conflict("The series has no next occurrence to skip."));
        Optional<LocalDateTime> after = recurrence.excluding(skipped).firstAfter(skipped);
        OffsetDateTime next = after.map(t -> recurrence.zoned(t).toOffsetDateTime()).orElse(null);
        return tx.preparedQuery(SeriesSql.SKIP).execute(Tuple.of(series.id(), skipped, next, next != null))
          .compose(rows -> {
            JsonObject seriesJson = Series.from(rows.iterator().next()).toJson(taskId).put("skipped",
              Recurrence.format(skipped));
            JsonObject changes = new JsonObject().put("recurrence", change(series.toJson(taskId), seriesJson));
            return updated(tx, task, correlationId, changes).map(v -> seriesJson);
          });
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

  private Future<Series> insertSeries(SqlConnection tx, UUID userId, Recurrence recurrence, SeriesSpec spec,
                                      JsonObject template) {
    OffsetDateTime start = recurrence.zoned(recurrence.start()).toOffsetDateTime();
    OffsetDateTime next = SeriesSpec.COMPLETION.equals(spec.anchor()) ? null
      : recurrence.firstAfter(recurrence.start()).map(t -> recurrence.zoned(t).toOffsetDateTime()).orElse(null);
    return tx.preparedQuery(SeriesSql.INSERT_SERIES).execute(Tuple.from(new Object[]{UUID.randomUUID(), userId,
        recurrence.rrule(), recurrence.start(), recurrence.zone().getId(), spec.anchor(), spec.spawn(), template,
        start, next}))
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
    if (task.seriesId() == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return tx.preparedQuery(SeriesSql.SERIES_FOR_UPDATE).execute(Tuple.of(task.seriesId(), task.userId()))
      .map(rows -> {
        if (rows.size() == 0) {
          return Optional.empty();
        }
        Series series = Series.from(rows.iterator().next());
        if (!series.lastOccurrenceAt().isEqual(task.occurrenceAt())) {
          throw SeriesProblem.conflict("Task " + task.id() + " is an earlier instance of its series; change the "
            + "recurrence on the newest one.");
        }
        return Optional.of(series);
      });
  }

  private Future<Void> updated(SqlConnection tx, Task task, String correlationId, JsonObject changes) {
    return outbox.append(tx, task.userId(), EventTypes.TASK_UPDATED, task.id().toString(), correlationId,
      new JsonObject().put("task", task.toJson()).put("changes", changes)).mapEmpty();
  }

  private static JsonObject change(Object old, Object now) {
    return new JsonObject().put("old", old).put("new", now);
  }
}
