package dev.taskflow.recurrence.series;

import dev.taskflow.core.tasks.Task;
import dev.taskflow.recurrence.rule.Recurrence;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A row of {@code series}. {@code dtstart} and {@code exdates} are local (wall-clock) times in {@code timezone};
 * {@code lastOccurrenceAt} is the newest instance's occurrence, {@code nextOccurrenceAt} the one after it as the
 * schedule gives it (null for a completion-anchored series, whose next depends on when the current one is done, and
 * for one that has ended).
 */
public record Series(UUID id, UUID userId, String rrule, LocalDateTime dtstart, String timezone, List<LocalDateTime> exdates,
              String anchor, String spawn, JsonObject template, OffsetDateTime lastOccurrenceAt,
              OffsetDateTime nextOccurrenceAt, int instances, boolean active, OffsetDateTime createdAt) {

  static final String COLUMNS = """
    id, user_id, rrule, dtstart, timezone, exdates, anchor, spawn, template, last_occurrence_at, next_occurrence_at,
    instances, active, created_at""";

  static Series from(Row row) {
    LocalDateTime[] exdates = row.getArrayOfLocalDateTimes("exdates");
    return new Series(row.getUUID("id"), row.getUUID("user_id"), row.getString("rrule"),
      row.getLocalDateTime("dtstart"), row.getString("timezone"),
      exdates == null ? List.of() : Arrays.asList(exdates), row.getString("anchor"), row.getString("spawn"),
      (JsonObject) row.getValue("template"), row.getOffsetDateTime("last_occurrence_at"),
      row.getOffsetDateTime("next_occurrence_at"), row.getInteger("instances"), row.getBoolean("active"),
      row.getOffsetDateTime("created_at"));
  }

  boolean completionAnchored() {
    return SeriesSpec.COMPLETION.equals(anchor);
  }

  boolean onSchedule() {
    return SeriesSpec.ON_SCHEDULE.equals(spawn);
  }

  /** The template a new instance copies: title, description, priority, tags. */
  static JsonObject templateOf(Task task) {
    return new JsonObject().put("title", task.title()).put("description", task.description())
      .put("priority", task.priority()).put("tags", new JsonArray(List.copyOf(task.tags())))
      .put("projectId", task.projectId() == null ? null : task.projectId().toString());
  }

  /** As {@code GET /tasks/recurring} shows it; {@code taskId} is the current instance (null if it was deleted). */
  JsonObject toJson(UUID taskId) {
    return new JsonObject()
      .put("id", id.toString())
      .put("taskId", taskId == null ? null : taskId.toString())
      .put("rrule", rrule)
      .put("dtstart", Recurrence.format(dtstart))
      .put("timezone", timezone)
      .put("exdates", new JsonArray(exdates.stream().map(Recurrence::format).toList()))
      .put("anchor", anchor)
      .put("spawn", spawn)
      .put("template", template)
      .put("lastOccurrenceAt", Task.instant(lastOccurrenceAt))
      .put("nextOccurrenceAt", Task.instant(nextOccurrenceAt))
      .put("instances", instances)
      .put("active", active);
  }
}
