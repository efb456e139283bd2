package dev.taskflow.recurrence.rule;

import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RFC 5545 recurrence: an RRULE parsed by lib-recur in strict RFC 5545 mode (and checked against the RFC's own
 * restrictions by {@link RuleParts}), a DTSTART in local (wall-clock) time, its IANA zone and EXDATEs. The rule is
 * expanded by our {@link Expander} (lib-recur's iterator gave up on sparse sub-daily rules and got ISO week 53 wrong) in
 * floating local time and each occurrence is placed in the zone with {@link ZonedDateTime#of}, which gives RFC 5545's
 * answers in DST gaps (a non-existent 02:30 moves forward by the gap's length, to 03:30) and overlaps (the first,
 * earlier instant). DTSTART is the first occurrence, as in RFC 5545, and counts for COUNT.
 *
 * <p>An UNTIL in UTC (as RFC 5545 requires with a zoned DTSTART) is converted to the zone's local time before
 * iterating, so the floating iteration compares like with like. A rule that can never produce an occurrence (nothing in
 * a 400-year cycle), like every parse error, is an {@link InvalidRuleException}.
 *
 * <p>Every evaluation is bounded by the {@link RuleLimits}: a rule whose FREQ period expands to more candidates than
 * {@link RuleLimits#maxCandidatesPerPeriod()} is refused when it is parsed (a period's whole candidate set is built
 * before BYSETPOS picks from it: 32 million for
 * {@code FREQ=YEARLY;BYMONTH=1,…,12;BYMONTHDAY=1,…,31;BYHOUR=0,…,23;BYMINUTE=0,…,59;BYSECOND=0,…,59}); a jump over
 * more FREQ periods than {@link RuleLimits#maxSkippedPeriods()} is refused before it starts; and each call stops
 * with an {@link InvalidRuleException} after {@link RuleLimits#maxSteps()} occurrences or with a
 * {@link RuleTimeoutException} past its {@link RuleLimits#timeout()}, checked between steps and while a sparse rule
 * scans. A call never answers with a partial result.
 */
public final class Recurrence {
  private static final Pattern UNTIL_UTC = Pattern.compile("UNTIL=(\\d{8}T\\d{6})Z", Pattern.CASE_INSENSITIVE);
  private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss", Locale.ROOT);
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private final String rrule;
  private final RecurrenceRule rule;
  private final RuleParts parts;
  private final LocalDateTime start;
  private final ZoneId zone;
  private final TreeSet<LocalDateTime> exdates;
  private final RuleLimits limits;

  private Recurrence(String rrule, RecurrenceRule rule, LocalDateTime start, ZoneId zone, TreeSet<LocalDateTime> exdates,
                     RuleLimits limits) {
    this.rrule = rrule;
    this.rule = rule;
    this.parts = RuleParts.of(rule, start);
    this.start = start;
    this.zone = zone;
    this.exdates = exdates;
    this.limits = limits;
  }

  /** {@link #of(String, LocalDateTime, String, List, RuleLimits)} with the {@link RuleLimits#DEFAULT} limits. */
  public static Recurrence of(String rrule, LocalDateTime dtstart, String timezone, List<LocalDateTime> exdates) {
    return of(rrule, dtstart, timezone, exdates, RuleLimits.DEFAULT);
  }

  /** Parses and checks a recurrence; every problem is an {@link InvalidRuleException} with a reason. */
  public static Recurrence of(String rrule, LocalDateTime dtstart, String timezone, List<LocalDateTime> exdates,
                              RuleLimits limits) {
    if (rrule == null || rrule.isBlank()) {
      throw new InvalidRuleException("rrule is empty.");
    }
    if (timezone == null || !ZONES.contains(timezone)) {
      throw new InvalidRuleException("timezone must be an IANA time zone name such as Europe/Paris; '" + timezone
        + "' is not one.");
    }
    ZoneId zone = ZoneId.of(timezone);
    String text = rrule.trim();
    if (text.regionMatches(true, 0, "RRULE:", 0, 6)) {
      text = text.substring(6);
    }
    if (dtstart == null) {
      throw new InvalidRuleException("dtstart is missing.");
    }
    if (text.toUpperCase(Locale.ROOT).contains("COUNT=") && text.toUpperCase(Locale.ROOT).contains("UNTIL=")) {
      throw new InvalidRuleException("rrule '" + rrule + "' has both COUNT and UNTIL; RFC 5545 allows one of them.");
    }
    LocalDateTime start = dtstart.truncatedTo(ChronoUnit.SECONDS);
    RecurrenceRule rule;
    try {
      rule = new RecurrenceRule(floatingUntil(text, zone), RecurrenceRule.RfcMode.RFC5545_STRICT);
    } catch (InvalidRecurrenceRuleException | IllegalArgumentException e) {
      throw new InvalidRuleException("rrule '" + rrule + "' is not a valid RFC 5545 recurrence rule: " + e.getMessage());
    }
    long candidates = candidatesPerPeriod(rule);
    if (candidates > limits.maxCandidatesPerPeriod()) {
      throw new InvalidRuleException("rrule '" + shown(rrule) + "' expands each " + rule.getFreq() + " period to up to "
        + (candidates == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : candidates) + " candidate date-times; the "
        + "limit is " + limits.maxCandidatesPerPeriod() + ". Use fewer BYxxx values or a shorter FREQ.");
    }
    Recurrence recurrence = new Recurrence(text, rule, start, zone,
      new TreeSet<>(exdates == null ? List.of() : exdates.stream().map(d -> d.truncatedTo(ChronoUnit.SECONDS)).toList()),
      limits);
    if (recurrence.never()) {
      throw new InvalidRuleException("rrule '" + rrule + "' never produces an occurrence from " + start + ".");
    }
    return recurrence;
  }

  /** A rule as a message quotes it: a long one cut to its first 80 characters. */
  static String shown(String rrule) {
    return rrule.length() <= 80 ? rrule : rrule.substring(0, 80) + "…";
  }

  /** RFC 5545 wants UNTIL in UTC when DTSTART has a zone; the floating iteration needs it in local time. */
  private static String floatingUntil(String rule, ZoneId zone) {
    Matcher m = UNTIL_UTC.matcher(rule);
    if (!m.find()) {
      return rule;
    }
    try {
      LocalDateTime utc = LocalDateTime.parse(m.group(1), BASIC);
      LocalDateTime local = utc.atOffset(ZoneOffset.UTC).atZoneSameInstant(zone).toLocalDateTime();
      return m.replaceFirst("UNTIL=" + BASIC.format(local));
    } catch (DateTimeException e) {
      throw new InvalidRuleException("UNTIL " + m.group(1) + "Z is not a date-time.");
    }
  }

  public String rrule() {
    return rrule;
  }

  public LocalDateTime start() {
    return start;
  }

  public ZoneId zone() {
    return zone;
  }

  /** The rule's COUNT, or null. */
  public Integer count() {
    return rule.getCount();
  }

  /** True when the rule has COUNT or UNTIL. */
  public boolean finite() {
    return !rule.isInfinite();
  }

  /** The first {@code count} occurrences, EXDATEs left out, in local time. */
  public List<LocalDateTime> first(int count) {
    Budget budget = new Budget();
    List<LocalDateTime> result = new ArrayList<>(count);
    Expander it = iterator(budget);
    while (result.size() < count) {
      budget.step();
      LocalDateTime next = it.next();
      if (next == null) {
        break;
      }
      if (!exdates.contains(next)) {
        result.add(next);
      }
    }
    return result;
  }

  /** The first occurrence strictly after {@code after} (local time), EXDATEs left out; empty when the series ended. */
  public Optional<LocalDateTime> firstAfter(LocalDateTime after) {
    Budget budget = new Budget();
    Expander it = iterator(budget);
    forward(it, after);
    while (true) {
      budget.step();
      LocalDateTime next = it.next();
      if (next == null) {
        break;
      }
      if (next.isAfter(after) && !exdates.contains(next)) {
        return Optional.of(next);
      }
    }
    return Optional.empty();
  }

  /**
   * Up to {@code limit} occurrences in local time, EXDATEs left out, in order: those not before {@code from} and not
   * after {@code until} (either null: unbounded), and strictly after {@code after} when it is given (the last
   * occurrence of the previous page, as this method returned it: unplaced). What a calendar view and paging ask.
   */
  public List<LocalDateTime> window(LocalDateTime from, LocalDateTime until, LocalDateTime after, int limit) {
    boolean exclusive = after != null && (from == null || !after.isBefore(from));
    LocalDateTime lower = exclusive ? after : from;
    Budget budget = new Budget();
    List<LocalDateTime> result = new ArrayList<>(Math.min(limit, 128));
    Expander it = iterator(budget);
    if (lower != null) {
      forward(it, lower);
    }
    while (result.size() < limit) {
      budget.step();
      LocalDateTime next = it.next();
      if (next == null || (until != null && next.isAfter(until))) {
        break;
      }
      boolean inside = lower == null || (exclusive ? next.isAfter(lower) : !next.isBefore(lower));
      if (inside && !exdates.contains(next)) {
        result.add(next);
      }
    }
    return result;
  }

  /**
   * The latest occurrence in [{@code from}, {@code notAfter}], EXDATEs left out: what an on-schedule series spawns
   * after downtime. Without COUNT it looks back from {@code notAfter} in windows that double (one FREQ period × INTERVAL
   * first), so it costs the occurrences of the last window, not all those missed; with COUNT it iterates from
   * {@code from}.
   */
  public Optional<LocalDateTime> latestBetween(LocalDateTime from, LocalDateTime notAfter) {
    if (rule.getCount() == null) {
      Duration window = parts.freq.getDuration().multipliedBy(Math.max(1, rule.getInterval()));
      for (LocalDateTime lower = notAfter.minus(window); lower.isAfter(from); lower = notAfter.minus(window)) {
        Optional<LocalDateTime> latest = latestIn(lower, notAfter);
        if (latest.isPresent()) {
          return latest;
        }
        window = window.multipliedBy(2);
      }
    }
    return latestIn(from, notAfter);
  }

  private Optional<LocalDateTime> latestIn(LocalDateTime from, LocalDateTime notAfter) {
    Budget budget = new Budget();
    Expander it = iterator(budget);
    forward(it, from);
    LocalDateTime last = null;
    while (true) {
      budget.step();
      LocalDateTime next = it.next();
      if (next == null || next.isAfter(notAfter)) {
        break;
      }
      if (!next.isBefore(from) && !exdates.contains(next)) {
        last = next;
      }
    }
    return Optional.ofNullable(last);
  }

  /**
   * The shortest time between two consecutive of the first {@code occurrences} occurrences (as placed in the zone, so
   * a DST change counts), or empty when the rule gives fewer than two. An on-schedule series must not spawn more often
   * than a minimum interval; SECONDLY rules are refused before this is asked.
   */
  public Optional<Duration> shortestGap(int occurrences) {
    List<LocalDateTime> first = first(occurrences);
    Duration shortest = null;
    for (int i = 1; i < first.size(); i++) {
      Duration gap = Duration.between(zoned(first.get(i - 1)), zoned(first.get(i)));
      if (shortest == null || gap.compareTo(shortest) < 0) {
        shortest = gap;
      }
    }
    return Optional.ofNullable(shortest);
  }

  /** The rule's FREQ, as RFC 5545 spells it ({@code SECONDLY} … {@code YEARLY}). */
  public String freq() {
    return rule.getFreq().name();
  }

  /** The same recurrence with {@code exdate} excluded too. */
  public Recurrence excluding(LocalDateTime exdate) {
    TreeSet<LocalDateTime> more = new TreeSet<>(exdates);
    more.add(exdate.truncatedTo(ChronoUnit.SECONDS));
    return new Recurrence(rrule, rule, start, zone, more, limits);
  }

  public List<LocalDateTime> exdates() {
    return List.copyOf(exdates);
  }

  /** A local date-time as the API shows it, seconds always included: {@code 2026-03-08T09:00:00}. */
  public static String format(LocalDateTime local) {
    return LOCAL.format(local);
  }

  /** The wall-clock time an occurrence really has: in a DST gap, moved forward by the gap (RFC 5545, 3.3.5). */
  public LocalDateTime placed(LocalDateTime local) {
    return zoned(local).toLocalDateTime();
  }

  /** Where a local occurrence falls in time: in a DST gap it moves forward by the gap, in an overlap it is the earlier. */
  public ZonedDateTime zoned(LocalDateTime local) {
    return ZonedDateTime.of(local, zone);
  }

  /** The same recurrence evaluated within other limits (its rule was checked against the ones it was made with). */
  public Recurrence limitedBy(RuleLimits other) {
    return new Recurrence(rrule, rule, start, zone, exdates, other);
  }

  /** The same rule and zone started again at {@code newStart} (a completion-anchored series moves its start). */
  public Recurrence restartedAt(LocalDateTime newStart) {
    return new Recurrence(rrule, rule, newStart.truncatedTo(ChronoUnit.SECONDS), zone, exdates, limits);
  }

  /**
   * Moves the expansion to the FREQ period of {@code target}. With COUNT every instance before it must be counted, so
   * it is left to the caller's budgeted loop. Without COUNT the jump itself costs nothing, but it is still refused
   * beyond {@link RuleLimits#maxSkippedPeriods()} FREQ periods (a series that old is a mistake, and the limit keeps the
   * answer the same whatever engine walks the rule).
   */
  private void forward(Expander it, LocalDateTime target) {
    if (!target.isAfter(start) || rule.getCount() != null) {
      return;
    }
    long periods = parts.freq.between(start, target) / Math.max(1, rule.getInterval());
    if (periods > limits.maxSkippedPeriods()) {
      throw new InvalidRuleException("rrule '" + shown(rrule) + "' would have to step through " + periods + " "
        + rule.getFreq() + " periods from its start " + format(start) + " to " + format(target) + "; the limit is "
        + limits.maxSkippedPeriods() + ". Start the series later.");
    }
    it.skipTo(target);
  }

  /**
   * An upper bound of the candidates one FREQ period of {@code rule} expands to, per RFC 5545's table (3.3.10): a BYxxx
   * part that expands at this FREQ multiplies (a plain BYDAY weekday counts the most days it can have in the period:
   * 5 in a month, 53 in a year, 1 in a week or an ISO week of BYWEEKNO; an ordinal one counts 1), one that limits
   * counts 1. Saturates at {@link Long#MAX_VALUE}.
   */
  static long candidatesPerPeriod(RecurrenceRule rule) {
    Freq freq = rule.getFreq();
    long n = 1;
    if (coarserThan(freq, Freq.SECONDLY)) {
      n = times(n, size(rule, RecurrenceRule.Part.BYSECOND));
    }
    if (coarserThan(freq, Freq.MINUTELY)) {
      n = times(n, size(rule, RecurrenceRule.Part.BYMINUTE));
    }
    if (coarserThan(freq, Freq.HOURLY)) {
      n = times(n, size(rule, RecurrenceRule.Part.BYHOUR));
    }
    switch (freq) {
      case WEEKLY -> n = times(n, byDay(rule, 1));
      case MONTHLY -> n = times(times(n, size(rule, RecurrenceRule.Part.BYMONTHDAY)), byDay(rule, 5));
      case YEARLY -> {
        boolean weeks = rule.hasPart(RecurrenceRule.Part.BYWEEKNO);
        boolean months = rule.hasPart(RecurrenceRule.Part.BYMONTH);
        n = times(n, size(rule, RecurrenceRule.Part.BYMONTH));
        n = times(n, weeks ? times(size(rule, RecurrenceRule.Part.BYWEEKNO),
          rule.hasPart(RecurrenceRule.Part.BYDAY) ? 1 : 7) : 1);
        n = times(n, size(rule, RecurrenceRule.Part.BYYEARDAY));
        n = times(n, size(rule, RecurrenceRule.Part.BYMONTHDAY));
        n = times(n, byDay(rule, weeks ? 1 : months ? 5 : 53));
      }
      default -> {
        // DAILY and shorter: the date parts only limit
      }
    }
    return n;
  }

  /** True when {@code freq} is a longer period than {@code than} (the enum runs YEARLY … SECONDLY). */
  private static boolean coarserThan(Freq freq, Freq than) {
    return freq.ordinal() < than.ordinal();
  }

  private static long size(RecurrenceRule rule, RecurrenceRule.Part part) {
    if (!rule.hasPart(part)) {
      return 1;
    }
    List<Integer> values = rule.getByPart(part);
    return values == null || values.isEmpty() ? 1 : values.size();
  }

  private static long byDay(RecurrenceRule rule, int perWeekday) {
    List<RecurrenceRule.WeekdayNum> days = rule.getByDayPart();
    if (days == null || days.isEmpty()) {
      return 1;
    }
    long n = 0;
    for (RecurrenceRule.WeekdayNum day : days) {
      n += day.pos == 0 ? perWeekday : 1;
    }
    return n;
  }

  private static long times(long a, long b) {
    long product = a * b;
    return a != 0 && (product / a != b || product < 0) ? Long.MAX_VALUE : product;
  }

  /** The steps and the time one call has left. */
  private final class Budget {
    private final long deadline = System.nanoTime() + limits.timeout().toNanos();
    private int steps;

    void step() {
      if (++steps > limits.maxSteps()) {
        throw new InvalidRuleException("rrule '" + shown(rrule) + "' needs more than " + limits.maxSteps() + " steps to "
          + "evaluate from its start " + format(start) + ".");
      }
      checkTime();
    }

    void checkTime() {
      if (System.nanoTime() - deadline > 0) {
        throw new RuleTimeoutException("rrule '" + shown(rrule) + "' took longer than " + limits.timeout().toMillis()
          + " ms to evaluate.");
      }
    }
  }

  /** The expansion from DTSTART, DTSTART first, within {@code budget}'s time. */
  private Expander iterator(Budget budget) {
    return new Expander(parts, start, true, budget::checkTime);
  }

  /**
   * This recurrence with DTSTART moved to the first date-time the rule itself gives at or after it (this one when
   * DTSTART matches the rule). RFC 5545 wants DTSTART synchronised with its rule and counts one that is not as an extra
   * first occurrence, which is not what a person means who gives a Monday task "every Tuesday and Thursday": a series
   * and its preview start here. Empty when the rule gives nothing from DTSTART before its UNTIL.
   */
  public Optional<Recurrence> synchronised() {
    LocalDateTime first = new Expander(parts, start, false, new Budget()::checkTime).next();
    if (first == null || (parts.until != null && first.isAfter(parts.until))) {
      return Optional.empty();
    }
    return Optional.of(first.equals(start) ? this : restartedAt(first));
  }

  /** True when the rule itself gives nothing from DTSTART on, whatever COUNT or UNTIL say (30 February). */
  private boolean never() {
    return new Expander(parts, start, false, new Budget()::checkTime).next() == null;
  }
}
