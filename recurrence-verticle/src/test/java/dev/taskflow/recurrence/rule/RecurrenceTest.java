package dev.taskflow.recurrence.rule;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The recurrence engine")
class RecurrenceTest {

  private static LocalDateTime at(String t) {
    return LocalDateTime.parse(t);
  }

  @Test
  @DisplayName("daily at 09:00 New York stays at 09:00 local across both DST changes")
  void dstStable() {
    Recurrence daily = Recurrence.of("FREQ=DAILY", at("2026-03-06T09:00"), "America/New_York", List.of());
    List<LocalDateTime> march = daily.first(5);
    assertThat(march).extracting(LocalDateTime::getHour).containsOnly(9);
    assertThat(daily.zoned(at("2026-03-07T09:00")).getOffset().toString()).isEqualTo("-05:00");
    assertThat(daily.zoned(at("2026-03-09T09:00")).getOffset().toString()).isEqualTo("-04:00");
    Recurrence autumn = Recurrence.of("FREQ=DAILY", at("2026-10-30T09:00"), "America/New_York", List.of());
    assertThat(autumn.first(5)).extracting(d -> autumn.zoned(d).toLocalTime().toString()).containsOnly("09:00");
  }

  @Test
  @DisplayName("daily at 02:30 gives 03:30 on the spring-forward day, as RFC 5545 says")
  void springForward() {
    Recurrence r = Recurrence.of("FREQ=DAILY;COUNT=3", at("2026-03-07T02:30"), "America/New_York", List.of());
    List<ZonedDateTime> zoned = r.first(3).stream().map(r::zoned).toList();
    assertThat(zoned.get(1).toLocalDateTime()).isEqualTo(at("2026-03-08T03:30"));
    assertThat(zoned.get(2).toLocalDateTime()).isEqualTo(at("2026-03-09T02:30"));
  }

  @Test
  @DisplayName("BYMONTHDAY=31 skips short months and BYMONTHDAY=-1 is each month's last day")
  void monthDays() {
    assertThat(Recurrence.of("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4", at("2026-01-31T10:00"), "UTC", List.of()).first(4))
      .containsExactly(at("2026-01-31T10:00"), at("2026-03-31T10:00"), at("2026-05-31T10:00"), at("2026-07-31T10:00"));
    assertThat(Recurrence.of("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", at("2026-01-31T10:00"), "UTC", List.of()).first(3))
      .containsExactly(at("2026-01-31T10:00"), at("2026-02-28T10:00"), at("2026-03-31T10:00"));
  }

  @Test
  @DisplayName("bad rules are refused with a reason, fast")
  void invalid() {
    assertThatThrownBy(() -> Recurrence.of("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", at("2026-01-01T09:00"), "UTC",
      List.of())).isInstanceOf(InvalidRuleException.class).hasMessageContaining("never");
    assertThatThrownBy(() -> Recurrence.of("FREQ=DAILY;COUNT=3;UNTIL=20261231T000000Z", at("2026-01-01T09:00"), "UTC",
      List.of())).isInstanceOf(InvalidRuleException.class).hasMessageContaining("UNTIL");
    assertThatThrownBy(() -> Recurrence.of("FREQ=SOMETIMES", at("2026-01-01T09:00"), "UTC", List.of()))
      .isInstanceOf(InvalidRuleException.class);
    assertThatThrownBy(() -> Recurrence.of("FREQ=DAILY", at("2026-01-01T09:00"), "Mars/Base", List.of()))
      .isInstanceOf(InvalidRuleException.class).hasMessageContaining("timezone");
  }

  @Test
  @DisplayName("EXDATEs are left out, firstAfter finds the next one, UNTIL in UTC ends the series")
  void navigation() {
    Recurrence r = Recurrence.of("FREQ=DAILY;UNTIL=20260105T140000Z", at("2026-01-01T09:00"), "America/New_York",
      List.of(at("2026-01-03T09:00")));
    assertThat(r.first(10)).containsExactly(at("2026-01-01T09:00"), at("2026-01-02T09:00"), at("2026-01-04T09:00"),
      at("2026-01-05T09:00"));
    assertThat(r.firstAfter(at("2026-01-02T09:00"))).contains(at("2026-01-04T09:00"));
    assertThat(r.firstAfter(at("2026-01-05T09:00"))).isEmpty();
    assertThat(r.latestBetween(r.start(), at("2026-01-04T12:00"))).contains(at("2026-01-04T09:00"));
    assertThat(r.latestBetween(at("2026-01-02T09:00"), at("2026-01-09T00:00"))).contains(at("2026-01-05T09:00"));
    assertThat(r.latestBetween(at("2026-01-02T10:00"), at("2026-01-02T23:00"))).isEmpty();
    assertThat(r.excluding(at("2026-01-04T09:00")).firstAfter(at("2026-01-02T09:00"))).contains(at("2026-01-05T09:00"));
    assertThat(Recurrence.of("FREQ=DAILY;COUNT=3", at("2026-01-01T09:00"), "UTC", List.of()).count()).isEqualTo(3);
  }
}
