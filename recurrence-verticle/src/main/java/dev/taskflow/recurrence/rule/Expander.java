package dev.taskflow.recurrence.rule;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Our own RFC 5545 (3.3.10) expansion of one rule from its DTSTART, in floating local time, period by period: each FREQ
 * period (a year, month, week or day; INTERVAL periods apart) gives the days in it that every date part admits
 * (BYMONTH, BYWEEKNO with WKST, BYYEARDAY, BYMONTHDAY, BYDAY, negative values counted from the end, +nDD within the
 * month or year), times the times of day of BYHOUR × BYMINUTE × BYSECOND, sorted; BYSETPOS picks from that sorted set.
 * Invalid dates (30 February) are never made, so they are skipped, not clamped. For FREQ=HOURLY, MINUTELY and SECONDLY
 * the period is an hour, minute or second: the date parts and the coarser time parts limit, the finer ones expand, and
 * a day (or hour, or minute) that a limiting part rules out is skipped in one step, so a sparse rule such as
 * {@code FREQ=MINUTELY;BYMONTH=1} costs a check per day, not per minute.
 *
 * <p>DTSTART is the first instance (RFC 5545: "The DTSTART property value always counts as the first occurrence") and
 * counts for COUNT; UNTIL is inclusive. A date pattern repeats every 400 Gregorian years (146,097 days, exactly 20,871
 * weeks), so a rule that gives nothing in that many consecutive periods (DAILY or longer) or days (shorter FREQs) never
 * will: the expansion ends there, and after year 9999. {@code tick} is run every few thousand inner steps, so the
 * caller's deadline holds even while a sparse rule scans. Not thread-safe; one per evaluation.
 */
final class Expander {
  private static final long CYCLE_DAYS = 146_097;
  private static final int TICK_EVERY = 4096;

  private final RuleParts rule;
  private final LocalDateTime start;
  private final boolean insertStart;
  private final Runnable tick;
  private final ArrayDeque<LocalDateTime> pending = new ArrayDeque<>();
  private final long startSecond;
  private final long step;          // sub-daily: seconds between periods
  private final LocalDate firstWeek; // WEEKLY: the start of DTSTART's week
  private boolean startDue;
  private boolean done;
  private int emitted;
  private long period;               // DAILY and longer: the index of the next period
  private long second;               // sub-daily: the floating epoch second the next period starts at
  private long lastHitDay;           // sub-daily: the epoch day of the last period that gave something
  private long emptyPeriods;
  private long scannedDay = Long.MIN_VALUE; // sub-daily: the day being scanned from its first period, if any
  private boolean scannedDayGave;
  private long currentDay = Long.MIN_VALUE;
  private boolean currentDayOk;
  private final java.util.Set<Long> deadPhases = new java.util.HashSet<>();
  private int ticks;

  /**
   * @param insertStart true: DTSTART is the first instance whether or not the rule matches it (RFC 5545); false: only
   *                    what the rule itself gives from DTSTART on, COUNT and UNTIL ignored (to tell whether a rule can
   *                    ever produce anything)
   */
  Expander(RuleParts rule, LocalDateTime start, boolean insertStart, Runnable tick) {
    this.rule = rule;
    this.start = start;
    this.insertStart = insertStart;
    this.tick = tick;
    this.startDue = insertStart;
    this.startSecond = start.toEpochSecond(ZoneOffset.UTC);
    this.step = rule.freq.getDuration().getSeconds() * rule.interval;
    this.firstWeek = start.toLocalDate().minusDays(Math.floorMod(start.getDayOfWeek().getValue()
      - rule.weekStart.getValue(), 7));
    this.second = Math.floorDiv(startSecond, rule.freq.getDuration().getSeconds()) * rule.freq.getDuration().getSeconds();
    this.lastHitDay = start.toLocalDate().toEpochDay();
  }

  /**
   * Moves to the period that holds {@code target} (after DTSTART), so the next occurrences are those of that period
   * on; earlier ones of it may still come and are the caller's to drop. Only for a rule without COUNT (with COUNT every
   * instance before must be counted). Costs the same whatever the distance.
   */
  void skipTo(LocalDateTime target) {
    startDue = false;
    pending.clear();
    LocalDate day = target.toLocalDate();
    LocalDate first = start.toLocalDate();
    long units = switch (rule.freq) {
      case YEARS -> day.getYear() - (long) first.getYear();
      case MONTHS -> ChronoUnit.MONTHS.between(first.withDayOfMonth(1), day.withDayOfMonth(1));
      case WEEKS -> ChronoUnit.WEEKS.between(firstWeek, day);
      case DAYS -> ChronoUnit.DAYS.between(first, day);
      default -> 0;
    };
    if (subDaily()) {
      long at = target.toEpochSecond(ZoneOffset.UTC);
      second = Math.max(second, alignDown(at));
      lastHitDay = target.toLocalDate().toEpochDay();
    } else {
      period = Math.max(period, Math.floorDiv(units, rule.interval));
    }
    emptyPeriods = 0;
  }

  /** The next instance, or null when the recurrence has ended. */
  LocalDateTime next() {
    if (done) {
      return null;
    }
    if (startDue) {
      startDue = false;
      return emit(start);
    }
    while (pending.isEmpty()) {
      if (!(subDaily() ? fillSubDaily() : fillPeriod())) {
        done = true;
        return null;
      }
    }
    LocalDateTime next = pending.poll();
    if (insertStart && rule.until != null && next.isAfter(rule.until)) {
      done = true;
      return null;
    }
    return emit(next);
  }

  private LocalDateTime emit(LocalDateTime occurrence) {
    emitted++;
    if (insertStart && rule.count != null && emitted >= rule.count) {
      done = true;
    }
    return occurrence;
  }

  private boolean subDaily() {
    return rule.freq.compareTo(ChronoUnit.DAYS) < 0;
  }

  private void tick() {
    if (++ticks % TICK_EVERY == 0) {
      tick.run();
    }
  }

  /** One FREQ period of DAILY or longer into {@code pending}; false when none can follow. */
  private boolean fillPeriod() {
    LocalDate first = firstDay(period);
    if (first.getYear() > 9999 || emptyPeriods > cyclePeriods()) {
      return false;
    }
    List<LocalDateTime> candidates = new ArrayList<>();
    LocalDate end = lastDay(period, first);
    for (LocalDate day = first; !day.isAfter(end); day = day.plusDays(1)) {
      tick();
      if (rule.freq == ChronoUnit.YEARS && rule.months != null && !rule.months[day.getMonthValue()]) {
        day = day.with(TemporalAdjusters.lastDayOfMonth());
        continue;
      }
      if (matches(day)) {
        for (int time : rule.timesOfDay) {
          candidates.add(day.atStartOfDay().plusSeconds(time));
        }
      }
    }
    period++;
    keep(candidates);
    emptyPeriods = pending.isEmpty() ? emptyPeriods + 1 : 0;
    return true;
  }

  /** The periods after which a date pattern repeats (400 years), whatever the INTERVAL. */
  private long cyclePeriods() {
    return switch (rule.freq) {
      case YEARS -> 400;
      case MONTHS -> 4800;
      case WEEKS -> 20_871;
      default -> CYCLE_DAYS;
    };
  }

  private LocalDate firstDay(long index) {
    LocalDate first = start.toLocalDate();
    long units = index * rule.interval;
    return switch (rule.freq) {
      case YEARS -> first.withDayOfYear(1).plusYears(units);
      case MONTHS -> first.withDayOfMonth(1).plusMonths(units);
      case WEEKS -> firstWeek.plusWeeks(units);
      default -> first.plusDays(units);
    };
  }

  private LocalDate lastDay(long index, LocalDate first) {
    return switch (rule.freq) {
      case YEARS -> first.with(TemporalAdjusters.lastDayOfYear());
      case MONTHS -> first.with(TemporalAdjusters.lastDayOfMonth());
      case WEEKS -> first.plusDays(6);
      default -> first;
    };
  }

  /**
   * The next hour, minute or second period that gives an instance, into {@code pending}: a day, hour or minute that a
   * limiting part rules out is passed in one step (to the first period of the grid after it).
   */
  private boolean fillSubDaily() {
    while (pending.isEmpty()) {
      tick();
      long epochDay = Math.floorDiv(second, 86_400);
      if (epochDay - lastHitDay > CYCLE_DAYS) {
        return false;
      }
      long dayStart = epochDay * 86_400;
      if (epochDay != currentDay) {
        LocalDate day = LocalDate.ofEpochDay(epochDay);
        if (day.getYear() > 9999) {
          return false;
        }
        if (scannedDay != Long.MIN_VALUE && !scannedDayGave) {
          deadPhases.add(phase(scannedDay * 86_400));
        }
        currentDay = epochDay;
        currentDayOk = matches(day) && !deadPhases.contains(phase(dayStart));
        scannedDay = currentDayOk && second == alignUp(dayStart) ? epochDay : Long.MIN_VALUE;
        scannedDayGave = false;
      }
      if (!currentDayOk) {
        second = alignUp(dayStart + 86_400);
        continue;
      }
      int secondOfDay = (int) (second - dayStart);
      int hour = secondOfDay / 3600;
      int minute = secondOfDay / 60 % 60;
      if (rule.hours != null && !rule.hours[hour]) {
        second = rule.freq == ChronoUnit.HOURS ? second + step : alignUp(dayStart + (hour + 1) * 3600L);
        continue;
      }
      if (rule.minutes != null && !rule.minutes[minute]) {
        second = rule.freq == ChronoUnit.MINUTES ? second + step : alignUp(dayStart + hour * 3600L + (minute + 1) * 60L);
        continue;
      }
      if (rule.seconds != null && !rule.seconds[secondOfDay % 60]) {
        second += step;
        continue;
      }
      List<LocalDateTime> candidates = new ArrayList<>();
      LocalDateTime at = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      switch (rule.freq) {
        case HOURS -> {
          for (int m : rule.expandedMinutes) {
            for (int s : rule.expandedSeconds) {
              candidates.add(at.plusSeconds(m * 60L + s));
            }
          }
        }
        case MINUTES -> {
          for (int s : rule.expandedSeconds) {
            candidates.add(at.plusSeconds(s));
          }
        }
        default -> candidates.add(at);
      }
      second += step;
      if (keep(candidates)) {
        scannedDayGave = true; // even when DTSTART's day gave only times before DTSTART: the phase is alive
      }
      if (!pending.isEmpty()) {
        lastHitDay = epochDay;
      }
    }
    return true;
  }

  /**
   * Where the period grid starts in a day. The time parts do not depend on the date, so a day whose date matches but
   * whose periods gave nothing tells that every day with the same phase gives nothing: such days are skipped at once
   * (a SECONDLY rule whose BYSECOND the grid never meets costs one day's scan, not 400 years of them).
   */
  private long phase(long dayStart) {
    return alignUp(dayStart) - dayStart;
  }

  private long alignDown(long at) {
    long origin = Math.floorDiv(startSecond, rule.freq.getDuration().getSeconds()) * rule.freq.getDuration().getSeconds();
    return origin + Math.floorDiv(at - origin, step) * step;
  }

  private long alignUp(long at) {
    long down = alignDown(at);
    return down == at ? at : down + step;
  }

  /**
   * A period's sorted candidates after BYSETPOS, those before DTSTART (or DTSTART itself when inserted) left out; true
   * when BYSETPOS left any, before or after DTSTART.
   */
  private boolean keep(List<LocalDateTime> candidates) {
    List<LocalDateTime> chosen = candidates;
    if (rule.setPositions != null && !candidates.isEmpty()) {
      TreeSet<LocalDateTime> picked = new TreeSet<>();
      int n = candidates.size();
      for (int pos : rule.setPositions) {
        int index = pos > 0 ? pos - 1 : n + pos;
        if (index >= 0 && index < n) {
          picked.add(candidates.get(index));
        }
      }
      chosen = new ArrayList<>(picked);
    }
    for (LocalDateTime t : chosen) {
      if (insertStart ? t.isAfter(start) : !t.isBefore(start)) {
        pending.add(t);
      }
    }
    return !chosen.isEmpty();
  }

  /** True when every date part of the rule admits {@code day}. */
  private boolean matches(LocalDate day) {
    if (rule.months != null && !rule.months[day.getMonthValue()]) {
      return false;
    }
    if (rule.yearDays != null) {
      int doy = day.getDayOfYear();
      if (!rule.yearDays[doy] && !rule.yearDaysBack[day.lengthOfYear() - doy + 1]) {
        return false;
      }
    }
    if (rule.monthDays != null) {
      int dom = day.getDayOfMonth();
      if (!rule.monthDays[dom] && !rule.monthDaysBack[day.lengthOfMonth() - dom + 1]) {
        return false;
      }
    }
    if (rule.weekdays != null && !weekdayMatches(day)) {
      return false;
    }
    return rule.weekNos == null || weekNoMatches(day);
  }

  private boolean weekdayMatches(LocalDate day) {
    int dow = day.getDayOfWeek().getValue();
    if (rule.weekdays[dow]) {
      return true;
    }
    int index = rule.nthInMonth ? day.getDayOfMonth() : day.getDayOfYear();
    int length = rule.nthInMonth ? day.lengthOfMonth() : day.lengthOfYear();
    return rule.nthWeekdays[dow][(index - 1) / 7 + 1] || rule.nthWeekdaysBack[dow][(length - index) / 7 + 1];
  }

  /**
   * RFC 5545 BYWEEKNO: weeks start on WKST and week 1 is the first with at least four days of the year, so a week
   * belongs to the year of its fourth day; a year has 52 or 53 of them; -1 is the last.
   */
  private boolean weekNoMatches(LocalDate day) {
    LocalDate weekStart = day.minusDays(Math.floorMod(day.getDayOfWeek().getValue() - rule.weekStart.getValue(), 7));
    int weekYear = weekStart.plusDays(3).getYear();
    LocalDate weekOne = weekOne(weekYear);
    int number = (int) (ChronoUnit.DAYS.between(weekOne, weekStart) / 7) + 1;
    int weeks = (int) (ChronoUnit.DAYS.between(weekOne, weekOne(weekYear + 1)) / 7);
    return rule.weekNos[number] || rule.weekNosBack[weeks - number + 1];
  }

  private LocalDate weekOne(int year) {
    LocalDate fourth = LocalDate.of(year, 1, 4);
    return fourth.minusDays(Math.floorMod(fourth.getDayOfWeek().getValue() - rule.weekStart.getValue(), 7));
  }
}
