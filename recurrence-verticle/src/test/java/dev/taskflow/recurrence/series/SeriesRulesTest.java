package dev.taskflow.recurrence.series;

import dev.taskflow.recurrence.rule.InvalidRuleException;
import dev.taskflow.recurrence.rule.RuleLimits;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Series rules")
class SeriesRulesTest {

  private final SeriesRules rules = new SeriesRules(RuleLimits.DEFAULT, Duration.ofSeconds(60));

  private static SeriesSpec onSchedule(String rrule) {
    return new SeriesSpec(rrule, LocalDateTime.parse("2030-01-01T09:00:00"), "UTC", null, SeriesSpec.ON_SCHEDULE);
  }

  @Test
  @DisplayName("an on_schedule series is refused when FREQ is SECONDLY or its occurrences come closer than the "
    + "minimum interval; a minute apart, or on completion, is fine")
  void minimumInterval() {
    assertThatThrownBy(() -> rules.plan(onSchedule("FREQ=SECONDLY;INTERVAL=120"), null, null))
      .isInstanceOf(InvalidRuleException.class).hasMessageContaining("FREQ=SECONDLY is refused");
    assertThatThrownBy(() -> rules.plan(onSchedule("FREQ=MINUTELY;BYSECOND=0,30"), null, null))
      .isInstanceOf(InvalidRuleException.class).hasMessageContaining("30 s apart");
    assertThatThrownBy(() -> rules.plan(onSchedule("FREQ=HOURLY;BYMINUTE=0;BYSECOND=0,1"), null, null))
      .isInstanceOf(InvalidRuleException.class).hasMessageContaining("1 s apart");
    assertThat(rules.plan(onSchedule("FREQ=MINUTELY"), null, null).next())
      .isEqualTo(OffsetDateTime.parse("2030-01-01T09:01:00Z"));
    assertThat(rules.plan(new SeriesSpec("FREQ=SECONDLY", LocalDateTime.parse("2030-01-01T09:00:00"), "UTC", null,
      null), null, null).next()).isEqualTo(OffsetDateTime.parse("2030-01-01T09:00:01Z"));
    assertThat(new SeriesRules(RuleLimits.DEFAULT, Duration.ZERO).plan(onSchedule("FREQ=SECONDLY"), null, null).next())
      .isEqualTo(OffsetDateTime.parse("2030-01-01T09:00:01Z"));
  }

  @Test
  @DisplayName("an on_schedule series stored before the limit (every second) is scheduled a minimum interval on")
  void storedSecondly() {
    OffsetDateTime last = OffsetDateTime.parse("2026-05-01T10:00:00Z");
    Series series = new Series(UUID.randomUUID(), UUID.randomUUID(), "FREQ=SECONDLY",
      LocalDateTime.parse("2026-05-01T10:00:00"), "UTC", List.of(), SeriesSpec.SCHEDULE, SeriesSpec.ON_SCHEDULE,
      new JsonObject(), last, last.plusSeconds(1), 1, true, last);
    SeriesRules.Scheduled scheduled = rules.onSchedule(series, last.plusSeconds(5));
    assertThat(scheduled.spawn().occurrence()).isEqualTo(LocalDateTime.parse("2026-05-01T10:00:05"));
    assertThat(scheduled.spawn().following()).isEqualTo(OffsetDateTime.parse("2026-05-01T10:01:05Z"));
  }

  @Test
  @DisplayName("a stored rule the limits refuse now is an InvalidRuleException (the spawner ends its series)")
  void storedHostile() {
    OffsetDateTime last = OffsetDateTime.parse("2026-05-01T10:00:00Z");
    Series series = new Series(UUID.randomUUID(), UUID.randomUUID(),
      "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;"
        + "BYMINUTE=0,30;BYSETPOS=-1", LocalDateTime.parse("2026-05-01T10:00:00"), "UTC", List.of(),
      SeriesSpec.SCHEDULE, SeriesSpec.ON_SCHEDULE, new JsonObject(), last, last.plusSeconds(1), 1, true, last);
    assertThatThrownBy(() -> rules.onSchedule(series, last.plusSeconds(5))).isInstanceOf(InvalidRuleException.class)
      .hasMessageContaining("candidate");
  }

  @Test
  @DisplayName("a plan starts at the rule's first occurrence from DTSTART: a Monday task given Tue/Thu is due the "
    + "Tuesday, DTSTART synchronised; a DTSTART that is an occurrence stays")
  void planStartsAtFirstOccurrence() {
    OffsetDateTime monday = OffsetDateTime.parse("2027-01-04T08:00:00Z");
    SeriesRules.Plan moved = rules.plan(new SeriesSpec("FREQ=WEEKLY;BYDAY=TU,TH", null, null, null, null), monday,
      "Europe/Paris");
    assertThat(moved.start()).isEqualTo(OffsetDateTime.parse("2027-01-05T09:00:00+01:00"));
    assertThat(moved.recurrence().start()).isEqualTo(LocalDateTime.parse("2027-01-05T09:00:00"));
    assertThat(moved.next()).isEqualTo(OffsetDateTime.parse("2027-01-07T09:00:00+01:00"));
    SeriesRules.Plan kept = rules.plan(new SeriesSpec("FREQ=WEEKLY;BYDAY=MO,TH", null, null, null, null), monday,
      "Europe/Paris");
    assertThat(kept.start()).isEqualTo(OffsetDateTime.parse("2027-01-04T09:00:00+01:00"));
    assertThat(kept.recurrence().start()).isEqualTo(LocalDateTime.parse("2027-01-04T09:00:00"));
  }
}
