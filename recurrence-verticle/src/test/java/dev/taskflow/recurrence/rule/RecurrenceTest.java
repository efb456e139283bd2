package dev.taskflow.recurrence.rule;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
  @DisplayName("an unsynchronised DTSTART counts as the first occurrence (RFC 5545); synchronised() moves it to the rule's")
  void synchronised() {
    Recurrence monday = Recurrence.of("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=3", at("2026-01-05T09:00"), "Europe/Paris",
      List.of());
    assertThat(monday.first(5)).containsExactly(at("2026-01-05T09:00"), at("2026-01-06T09:00"), at("2026-01-08T09:00"));
    Recurrence moved = monday.synchronised().orElseThrow();
    assertThat(moved.start()).isEqualTo(at("2026-01-06T09:00"));
    assertThat(moved.first(5)).containsExactly(at("2026-01-06T09:00"), at("2026-01-08T09:00"), at("2026-01-13T09:00"));
    Recurrence tuesday = Recurrence.of("FREQ=WEEKLY;BYDAY=TU,TH", at("2026-01-06T09:00"), "Europe/Paris", List.of());
    assertThat(tuesday.synchronised()).containsSame(tuesday);
    assertThat(Recurrence.of("FREQ=WEEKLY;BYDAY=TU;UNTIL=20260105T230000Z", at("2026-01-05T09:00"), "Europe/Paris",
      List.of()).synchronised()).isEmpty();
  }

  @Test
  @DisplayName("a window gives the occurrences between two times, and pages strictly after the last one seen")
  void window() {
    Recurrence weekly = Recurrence.of("FREQ=WEEKLY;BYDAY=MO,TH", at("2026-01-05T09:00"), "Europe/Paris", List.of());
    assertThat(weekly.window(at("2026-01-08T09:00"), at("2026-01-19T09:00"), null, 100))
      .containsExactly(at("2026-01-08T09:00"), at("2026-01-12T09:00"), at("2026-01-15T09:00"), at("2026-01-19T09:00"));
    assertThat(weekly.window(at("2026-01-08T09:00"), null, at("2026-01-12T09:00"), 2))
      .containsExactly(at("2026-01-15T09:00"), at("2026-01-19T09:00"));
    assertThat(weekly.window(null, null, null, 3))
      .containsExactly(at("2026-01-05T09:00"), at("2026-01-08T09:00"), at("2026-01-12T09:00"));
    assertThat(weekly.window(at("2026-01-09T00:00"), at("2026-01-11T23:59"), null, 100)).isEmpty();
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

  static String range(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  /** The 580-character rule of the Hardening issue (12): 32 million candidates a year, minutes of CPU, 4 GB of heap. */
  static final String HOSTILE = "FREQ=YEARLY;BYMONTH=" + range(1, 12) + ";BYMONTHDAY=" + range(1, 31) + ";BYHOUR="
    + range(0, 23) + ";BYMINUTE=" + range(0, 59) + ";BYSECOND=" + range(0, 59) + ";BYSETPOS=-1";

  @Test
  @DisplayName("a rule whose period expands to millions of candidates is refused as it is parsed, with or without "
    + "BYSETPOS, within 1 s")
  void hostile() {
    for (String rule : List.of(HOSTILE, HOSTILE.replace(";BYSETPOS=-1", ""),
      "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=" + range(0, 23) + ";BYMINUTE=" + range(0, 59) + ";BYSETPOS=1",
      "FREQ=DAILY;BYHOUR=" + range(0, 23) + ";BYMINUTE=" + range(0, 59) + ";BYSECOND=" + range(0, 59))) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> Recurrence.of(rule, at("2026-01-01T09:00"), "UTC", List.of()))
        .as(rule).isInstanceOf(InvalidRuleException.class).hasMessageContaining("candidate date-times")
        .hasMessageContaining("limit is 10000");
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      System.out.println("refused in " + took.toNanos() / 1_000 + " µs: " + rule.substring(0, 40) + "…");
      assertThat(took).isLessThan(Duration.ofSeconds(1));
    }
    assertThat(Recurrence.candidatesPerPeriod(parse(HOSTILE))).isEqualTo(12L * 31 * 24 * 60 * 60);
    assertThat(Recurrence.candidatesPerPeriod(parse("FREQ=YEARLY;BYDAY=MO"))).isEqualTo(53);
    assertThat(Recurrence.candidatesPerPeriod(parse("FREQ=YEARLY;BYMONTH=1,7;BYDAY=MO,-1FR"))).isEqualTo(12);
    assertThat(Recurrence.candidatesPerPeriod(parse("FREQ=MINUTELY;BYSECOND=0,30;BYHOUR=9,10"))).isEqualTo(2);
    assertThat(Recurrence.candidatesPerPeriod(parse("FREQ=SECONDLY;BYSECOND=0,30;BYMINUTE=1,2"))).isEqualTo(1);
  }

  private static org.dmfs.rfc5545.recur.RecurrenceRule parse(String rule) {
    try {
      return new org.dmfs.rfc5545.recur.RecurrenceRule(rule, org.dmfs.rfc5545.recur.RecurrenceRule.RfcMode.RFC5545_STRICT);
    } catch (org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("a rule just under the candidate limit costs a few ms per evaluation")
  void boundedCost() {
    // 7 weekdays × 53 × 24 hours = 8,904 candidates a year, one occurrence a year
    String rule = "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=" + range(0, 23) + ";BYSETPOS=-1";
    Recurrence r = Recurrence.of(rule, at("2025-12-31T23:00"), "UTC", List.of());
    for (int warm = 0; warm < 20; warm++) {
      r.first(10);
    }
    long started = System.nanoTime();
    List<LocalDateTime> ten = r.first(10);
    long firstTen = System.nanoTime() - started;
    started = System.nanoTime();
    r.firstAfter(at("2030-06-01T00:00"));
    long after = System.nanoTime() - started;
    System.out.printf("bounded rule (8,904 candidates a year): first 10 in %.2f ms (%.2f ms a period), firstAfter "
      + "4 years on in %.2f ms%n", firstTen / 1e6, firstTen / 1e7, after / 1e6);
    assertThat(ten).hasSize(10).allSatisfy(t -> assertThat(t.toLocalTime().toString()).isEqualTo("23:00"));
  }

  @Test
  @DisplayName("a fast-forward lib-recur would walk for minutes is refused instead: SECONDLY from year 1, and COUNT "
    + "(whose fast-forward steps through every instance)")
  void fastForwardBounded() {
    Recurrence ancient = Recurrence.of("FREQ=SECONDLY", at("0001-01-01T00:00"), "UTC", List.of());
    long started = System.nanoTime();
    assertThatThrownBy(() -> ancient.firstAfter(at("2026-01-01T00:00")))
      .isInstanceOf(InvalidRuleException.class).hasMessageContaining("periods");
    Recurrence counted = Recurrence.of("FREQ=SECONDLY;COUNT=2000000000", at("2000-01-01T00:00"), "UTC", List.of());
    assertThatThrownBy(() -> counted.firstAfter(at("2026-01-01T00:00")))
      .isInstanceOf(InvalidRuleException.class).hasMessageContaining("steps");
    assertThatThrownBy(() -> counted.latestBetween(at("2025-01-01T00:00"), at("2026-01-01T00:00")))
      .isInstanceOf(InvalidRuleException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    // within the limits the answers are the same as before
    assertThat(Recurrence.of("FREQ=MINUTELY;COUNT=50000", at("2026-01-01T00:00"), "UTC", List.of())
      .firstAfter(at("2026-01-02T00:00:30"))).contains(at("2026-01-02T00:01"));
    assertThat(Recurrence.of("FREQ=HOURLY", at("1990-01-01T00:30"), "UTC", List.of())
      .firstAfter(at("2026-01-02T00:00"))).contains(at("2026-01-02T00:30"));
    // the catch-up after a year of downtime: 525,600 minutes missed, more than the steps one call may take
    Recurrence minutely = Recurrence.of("FREQ=MINUTELY", at("2025-01-01T00:00"), "UTC", List.of());
    assertThat(minutely.latestBetween(at("2025-01-01T00:01"), at("2026-01-01T12:00:30")))
      .contains(at("2026-01-01T12:00"));
    Recurrence januaries = Recurrence.of("FREQ=DAILY;BYMONTH=1", at("2020-01-01T00:00"), "UTC", List.of());
    assertThat(januaries.latestBetween(at("2020-01-02T00:00"), at("2025-12-24T12:00")))
      .contains(at("2025-01-31T00:00"));
  }

  @Test
  @DisplayName("a call that runs past its time limit stops with a RuleTimeoutException, never a partial answer")
  void deadline() {
    Recurrence r = Recurrence.of("FREQ=MINUTELY", at("2026-01-01T00:00"), "UTC", List.of())
      .limitedBy(RuleLimits.DEFAULT.withTimeout(Duration.ofNanos(1)));
    assertThatThrownBy(() -> r.latestBetween(at("2026-01-01T00:00"), at("2026-02-01T00:00")))
      .isInstanceOf(RuleTimeoutException.class).hasMessageContaining("longer than");
  }

  @Test
  @DisplayName("the shortest gap between occurrences, as an on-schedule series' minimum interval checks it")
  void shortestGap() {
    assertThat(Recurrence.of("FREQ=MINUTELY;BYSECOND=0,20,40", at("2026-01-01T00:00"), "UTC", List.of())
      .shortestGap(50)).contains(Duration.ofSeconds(20));
    assertThat(Recurrence.of("FREQ=HOURLY;BYMINUTE=0,1", at("2026-01-01T00:00"), "UTC", List.of())
      .shortestGap(50)).contains(Duration.ofMinutes(1));
    assertThat(Recurrence.of("FREQ=DAILY;COUNT=1", at("2026-01-01T00:00"), "UTC", List.of()).shortestGap(50))
      .isEmpty();
  }

  @Test
  @DisplayName("a rule that can never match is refused as it is parsed within 1 s, even when sub-daily or sparse: the "
    + "engine stops after a 400-year cycle and skips days and grid phases that give nothing")
  void neverWithinASecond() {
    for (String rule : List.of("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=SECONDLY;INTERVAL=2;BYSECOND=1",
      "FREQ=MINUTELY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=30;BYHOUR=1", "FREQ=YEARLY;INTERVAL=400;BYMONTH=2;BYMONTHDAY=29",
      "FREQ=DAILY;BYHOUR=9;BYSETPOS=2", "FREQ=HOURLY;INTERVAL=24;BYHOUR=5")) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> Recurrence.of(rule, at("2001-01-01T00:00"), "UTC", List.of())).as(rule)
        .isInstanceOf(InvalidRuleException.class).hasMessageContaining("never produces");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as(rule).isLessThan(Duration.ofSeconds(1));
    }
    // the same rules where they can match do
    assertThat(Recurrence.of("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", at("2000-01-01T00:00"), "UTC",
      List.of()).first(3)).containsExactly(at("2000-01-01T00:00"), at("2000-02-29T00:00"), at("2004-02-29T00:00"));
    assertThat(Recurrence.of("FREQ=HOURLY;INTERVAL=24;BYHOUR=5", at("2001-01-01T05:00"), "UTC", List.of()).first(2))
      .containsExactly(at("2001-01-01T05:00"), at("2001-01-02T05:00"));
  }
}
