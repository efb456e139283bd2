package dev.taskflow.recurrence.series;

import dev.taskflow.recurrence.rule.InvalidRuleException;
import dev.taskflow.recurrence.rule.Recurrence;
import dev.taskflow.recurrence.rule.RuleLimits;
import io.vertx.core.json.JsonObject;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * What a user asks for when making a task recurring: {@code {rrule, dtstart?, timezone?, anchor?, spawn?}}. DTSTART
 * and its zone default to the task's due date and zone; a zone given alone re-reads the due date in it.
 *
 * @param dtstart  local (wall-clock) date-time, or null for the task's due date
 * @param timezone IANA zone, or null for the task's zone (UTC when it has none)
 */
public record SeriesSpec(String rrule, LocalDateTime dtstart, String timezone, String anchor, String spawn) {

  public static final String SCHEDULE = "schedule";
  public static final String COMPLETION = "completion";
  public static final String ON_COMPLETION = "on_completion";
  public static final String ON_SCHEDULE = "on_schedule";

  public SeriesSpec {
    anchor = anchor == null ? SCHEDULE : anchor;
    spawn = spawn == null ? ON_COMPLETION : spawn;
    if (!SCHEDULE.equals(anchor) && !COMPLETION.equals(anchor)) {
      throw SeriesProblem.unprocessable("anchor must be 'schedule' or 'completion', not '" + anchor + "'.");
    }
    if (!ON_COMPLETION.equals(spawn) && !ON_SCHEDULE.equals(spawn)) {
      throw SeriesProblem.unprocessable("spawn must be 'on_completion' or 'on_schedule', not '" + spawn + "'.");
    }
    if (COMPLETION.equals(anchor) && ON_SCHEDULE.equals(spawn)) {
      throw SeriesProblem.unprocessable("anchor 'completion' computes the next occurrence from the moment the task is "
        + "completed, so it needs spawn 'on_completion'.");
    }
  }

  /** From the {@code recurrence} object of a request; the API has checked the types and lengths. */
  public static SeriesSpec from(JsonObject json) {
    return new SeriesSpec(json.getString("rrule"), localDateTime("dtstart", json.getString("dtstart")),
      json.getString("timezone"), json.getString("anchor"), json.getString("spawn"));
  }

  /**
   * The recurrence for a task due at {@code dueAt} in {@code taskZone} (either may be null): the given DTSTART and
   * zone, else the due date read in the zone.
   *
   * @throws InvalidRuleException when the rule, the zone or the start is wrong
   * @throws SeriesProblem        (422) when there is no start to be had
   */
  public Recurrence resolve(OffsetDateTime dueAt, String taskZone, RuleLimits limits) {
    String zone = timezone != null ? timezone : taskZone != null ? taskZone : "UTC";
    LocalDateTime start = dtstart;
    if (start == null) {
      if (dueAt == null) {
        throw SeriesProblem.unprocessable("dtstart is needed: the task has no due date to start the series from.");
      }
      try {
        start = dueAt.atZoneSameInstant(ZoneId.of(zone)).toLocalDateTime();
      } catch (DateTimeException e) {
        throw new InvalidRuleException("timezone must be an IANA time zone name such as Europe/Paris; '" + zone
          + "' is not one.");
      }
    }
    return Recurrence.of(rrule, start, zone, List.of(), limits);
  }

  public JsonObject toJson() {
    return new JsonObject().put("rrule", rrule).put("dtstart", dtstart == null ? null : Recurrence.format(dtstart))
      .put("timezone", timezone).put("anchor", anchor).put("spawn", spawn);
  }

  static LocalDateTime localDateTime(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(value);
    } catch (DateTimeException e) {
      throw SeriesProblem.unprocessable(field + " must be a local date-time such as 2026-03-08T09:00:00 (no offset: "
        + "the zone is given by timezone); '" + value + "' is not one.");
    }
  }
}
