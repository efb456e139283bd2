package dev.taskflow.recurrence.rule;

import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRule.Part;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The parts of an RRULE that lib-recur parsed in strict RFC 5545 mode, checked once more against RFC 5545's own
 * restrictions (3.3.10: which BYxxx parts a FREQ allows, the ranges of their values) and turned into the lookup tables
 * the {@link Expander} reads: a mask per part, so testing a day or a time costs a few array reads. DTSTART supplies
 * what the rule leaves out (the hour, minute and second of a FREQ coarser than them; the month day of a MONTHLY rule
 * without day parts, and so on, as RFC 5545 says "information not contained in the rule ... is derived from DTSTART").
 */
final class RuleParts {
  final ChronoUnit freq;
  final int interval;
  final Integer count;
  final LocalDateTime until;
  final DayOfWeek weekStart;

  final boolean[] months;       // [1..12], null: any
  final boolean[] weekNos;      // [1..53] counted from the start of the ISO-like week-year
  final boolean[] weekNosBack;  // [1..53] counted from its end (-1: the last week)
  final boolean[] yearDays;     // [1..366]
  final boolean[] yearDaysBack;
  final boolean[] monthDays;    // [1..31]
  final boolean[] monthDaysBack;
  final boolean[] weekdays;     // [1..7] (ISO: 1 Monday) plain BYDAY values, null: no BYDAY
  final boolean[][] nthWeekdays;     // [1..7][1..53] +nDD values
  final boolean[][] nthWeekdaysBack; // [1..7][1..53] -nDD values
  final boolean nthInMonth;     // +nDD counts within the month (MONTHLY, or YEARLY with BYMONTH), else the year
  final boolean[] hours;        // [0..23] limits (FREQ=HOURLY or shorter), null: any
  final boolean[] minutes;      // [0..59] limits (FREQ=MINUTELY or shorter)
  final boolean[] seconds;      // [0..59] limits (FREQ=SECONDLY)
  final int[] expandedMinutes;  // sorted minutes within an HOURLY period
  final int[] expandedSeconds;  // sorted seconds within an HOURLY or MINUTELY period
  final int[] timesOfDay;       // sorted seconds of the day of a DAILY or longer period
  final int[] setPositions;     // null: no BYSETPOS

  private RuleParts(RecurrenceRule rule, LocalDateTime start) {
    Freq f = rule.getFreq();
    freq = unit(f);
    interval = Math.max(1, rule.getInterval());
    count = rule.getCount();
    until = until(rule.getUntil());
    weekStart = day(rule.getWeekStart());

    List<Integer> bySecond = values(rule, Part.BYSECOND, 0, 60, false, "BYSECOND");
    List<Integer> byMinute = values(rule, Part.BYMINUTE, 0, 59, false, "BYMINUTE");
    List<Integer> byHour = values(rule, Part.BYHOUR, 0, 23, false, "BYHOUR");
    List<Integer> byMonthDay = values(rule, Part.BYMONTHDAY, 1, 31, true, "BYMONTHDAY");
    List<Integer> byYearDay = values(rule, Part.BYYEARDAY, 1, 366, true, "BYYEARDAY");
    List<Integer> byWeekNo = values(rule, Part.BYWEEKNO, 1, 53, true, "BYWEEKNO");
    List<Integer> byMonth = months(rule);
    List<Integer> bySetPos = values(rule, Part.BYSETPOS, 1, 366, true, "BYSETPOS");
    List<RecurrenceRule.WeekdayNum> byDay = rule.hasPart(Part.BYDAY) ? rule.getByDayPart() : null;
    if (rule.hasPart(Part.RSCALE) || rule.hasPart(Part.SKIP)) {
      throw refused("RSCALE and SKIP (RFC 7529) are not supported");
    }
    if (byWeekNo != null && freq != ChronoUnit.YEARS) {
      throw refused("BYWEEKNO is only allowed with FREQ=YEARLY (RFC 5545, 3.3.10)");
    }
    if (byYearDay != null && (freq == ChronoUnit.DAYS || freq == ChronoUnit.WEEKS || freq == ChronoUnit.MONTHS)) {
      throw refused("BYYEARDAY is not allowed with FREQ=DAILY, WEEKLY or MONTHLY (RFC 5545, 3.3.10)");
    }
    if (byMonthDay != null && freq == ChronoUnit.WEEKS) {
      throw refused("BYMONTHDAY is not allowed with FREQ=WEEKLY (RFC 5545, 3.3.10)");
    }
    boolean ordinal = byDay != null && byDay.stream().anyMatch(d -> d.pos != 0);
    if (ordinal && freq != ChronoUnit.MONTHS && freq != ChronoUnit.YEARS) {
      throw refused("BYDAY with a number (such as 1MO) is only allowed with FREQ=MONTHLY or YEARLY (RFC 5545, 3.3.10)");
    }
    if (ordinal && byWeekNo != null) {
      throw refused("BYDAY with a number (such as 1MO) is not allowed with BYWEEKNO (RFC 5545, 3.3.10)");
    }
    if (byDay != null && byDay.stream().anyMatch(d -> Math.abs(d.pos) > 53)) {
      throw refused("a BYDAY number must be between -53 and 53");
    }

    // RFC 5545: what the rule does not say is taken from DTSTART
    boolean dayParts = byWeekNo != null || byYearDay != null || byMonthDay != null || byDay != null;
    if (!dayParts && freq == ChronoUnit.YEARS) {
      byMonth = byMonth == null ? List.of(start.getMonthValue()) : byMonth;
      byMonthDay = List.of(start.getDayOfMonth());
    } else if (!dayParts && freq == ChronoUnit.MONTHS) {
      byMonthDay = List.of(start.getDayOfMonth());
    } else if (!dayParts && freq == ChronoUnit.WEEKS) {
      byDay = List.of(new RecurrenceRule.WeekdayNum(0, weekday(start.getDayOfWeek())));
    }
    months = mask(byMonth, 12, true);
    weekNos = mask(byWeekNo, 53, true);
    weekNosBack = mask(byWeekNo, 53, false);
    yearDays = mask(byYearDay, 366, true);
    yearDaysBack = mask(byYearDay, 366, false);
    monthDays = mask(byMonthDay, 31, true);
    monthDaysBack = mask(byMonthDay, 31, false);
    if (byDay == null) {
      weekdays = null;
      nthWeekdays = null;
      nthWeekdaysBack = null;
    } else {
      weekdays = new boolean[8];
      nthWeekdays = new boolean[8][54];
      nthWeekdaysBack = new boolean[8][54];
      for (RecurrenceRule.WeekdayNum d : byDay) {
        int dow = day(d.weekday).getValue();
        if (d.pos == 0) {
          weekdays[dow] = true;
        } else if (d.pos > 0) {
          nthWeekdays[dow][d.pos] = true;
        } else {
          nthWeekdaysBack[dow][-d.pos] = true;
        }
      }
    }
    nthInMonth = freq == ChronoUnit.MONTHS || byMonth != null;

    boolean hourly = freq == ChronoUnit.HOURS;
    boolean minutely = freq == ChronoUnit.MINUTES;
    boolean secondly = freq == ChronoUnit.SECONDS;
    hours = hourly || minutely || secondly ? mask(byHour, 23, true) : null;
    minutes = minutely || secondly ? mask(byMinute, 59, true) : null;
    seconds = secondly ? mask(bySecond, 59, true) : null;
    int[] minuteList = sorted(byMinute, start.getMinute());
    int[] secondList = sorted(bySecond, start.getSecond());
    expandedMinutes = minuteList;
    expandedSeconds = secondList;
    TreeSet<Integer> times = new TreeSet<>();
    for (int h : sorted(byHour, start.getHour())) {
      for (int m : minuteList) {
        for (int s : secondList) {
          times.add(h * 3600 + m * 60 + s);
        }
      }
    }
    timesOfDay = times.stream().mapToInt(Integer::intValue).toArray();
    setPositions = bySetPos == null ? null : bySetPos.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The parts of {@code rule} with DTSTART {@code start}; an {@link InvalidRuleException} when RFC 5545 forbids them. */
  static RuleParts of(RecurrenceRule rule, LocalDateTime start) {
    return new RuleParts(rule, start);
  }

  private static InvalidRuleException refused(String why) {
    return new InvalidRuleException("rrule is not a valid RFC 5545 recurrence rule: " + why + ".");
  }

  private static List<Integer> values(RecurrenceRule rule, Part part, int min, int max, boolean negative,
                                      String name) {
    if (!rule.hasPart(part)) {
      return null;
    }
    List<Integer> values = rule.getByPart(part);
    if (values == null || values.isEmpty()) {
      return null;
    }
    for (int v : values) {
      int magnitude = negative ? Math.abs(v) : v;
      if (magnitude < min || magnitude > max) {
        throw refused(name + " value " + v + " is outside " + (negative ? "±" : "") + min + ".." + max);
      }
    }
    return values;
  }

  /** lib-recur counts BYMONTH from 0 (January), as java.util.Calendar does; RFC 5545 from 1. */
  private static List<Integer> months(RecurrenceRule rule) {
    List<Integer> zeroBased = values(rule, Part.BYMONTH, 0, 11, false, "BYMONTH");
    return zeroBased == null ? null : zeroBased.stream().map(m -> m + 1).toList();
  }

  /** A lookup table of the positive (or, {@code forward} false, the negated negative) values, null when none. */
  private static boolean[] mask(List<Integer> values, int max, boolean forward) {
    if (values == null) {
      return null;
    }
    boolean[] mask = new boolean[max + 2];
    for (int v : values) {
      if (forward && v >= 0 && v <= max) {
        mask[v] = true;
      } else if (!forward && v < 0) {
        mask[-v] = true;
      }
    }
    return mask;
  }

  /** The sorted distinct values, or DTSTART's; a leap second (60) cannot be a local time and is dropped like Feb 30. */
  private static int[] sorted(List<Integer> values, int fromStart) {
    if (values == null) {
      return new int[] {fromStart};
    }
    return values.stream().filter(v -> v < 60).distinct().sorted().mapToInt(Integer::intValue).toArray();
  }

  /** UNTIL as a floating local date-time (already converted from UTC by {@link Recurrence}); a DATE: its last second. */
  private static LocalDateTime until(DateTime until) {
    if (until == null) {
      return null;
    }
    LocalDateTime local = LocalDateTime.of(until.getYear(), until.getMonth() + 1, until.getDayOfMonth(), 0, 0);
    return until.isAllDay() ? local.with(LocalTime.MAX).truncatedTo(ChronoUnit.SECONDS)
      : local.withHour(until.getHours()).withMinute(until.getMinutes()).withSecond(until.getSeconds());
  }

  static ChronoUnit unit(Freq freq) {
    return switch (freq) {
      case SECONDLY -> ChronoUnit.SECONDS;
      case MINUTELY -> ChronoUnit.MINUTES;
      case HOURLY -> ChronoUnit.HOURS;
      case DAILY -> ChronoUnit.DAYS;
      case WEEKLY -> ChronoUnit.WEEKS;
      case MONTHLY -> ChronoUnit.MONTHS;
      case YEARLY -> ChronoUnit.YEARS;
    };
  }

  private static DayOfWeek day(org.dmfs.rfc5545.Weekday weekday) {
    return switch (weekday.name().toUpperCase(Locale.ROOT)) {
      case "MO" -> DayOfWeek.MONDAY;
      case "TU" -> DayOfWeek.TUESDAY;
      case "WE" -> DayOfWeek.WEDNESDAY;
      case "TH" -> DayOfWeek.THURSDAY;
      case "FR" -> DayOfWeek.FRIDAY;
      case "SA" -> DayOfWeek.SATURDAY;
      default -> DayOfWeek.SUNDAY;
    };
  }

  private static org.dmfs.rfc5545.Weekday weekday(DayOfWeek day) {
    return org.dmfs.rfc5545.Weekday.valueOf(day.name().substring(0, 2));
  }
}
