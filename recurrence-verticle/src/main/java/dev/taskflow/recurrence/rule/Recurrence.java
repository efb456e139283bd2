package dev.taskflow.recurrence.rule;

import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

import java.time.DateTimeException;
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
 * An RFC 5545 recurrence: an RRULE parsed by lib-recur in strict RFC 5545 mode, a DTSTART in local (wall-clock) time,
 * its IANA zone and EXDATEs. The rule is iterated in floating local time and each occurrence is placed in the zone
 * with {@link ZonedDateTime#of}, which gives RFC 5545's answers in DST gaps (a non-existent 02:30 moves forward by the
 * gap's length, to 03:30) and overlaps (the first, earlier instant). DTSTART is the first occurrence, as in RFC 5545.
 *
 * <p>An UNTIL in UTC (as RFC 5545 requires with a zoned DTSTART) is converted to the zone's local time before
 * iterating, so the floating iteration compares like with like. A rule that can never produce an occurrence makes
 * lib-recur give up after a bounded number of empty rounds; that, like every parse error, is an
 * {@link InvalidRuleException}.
 */
public final class Recurrence {

  /** How many occurrences one call may compute; a guard for every loop here. */
  public static final int MAX_SCAN = 100_000;
  private static final Pattern UNTIL_UTC = Pattern.compile("UNTIL=(\\d{8}T\\d{6})Z", Pattern.CASE_INSENSITIVE);
  private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss", Locale.ROOT);
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

  private final String rrule;
  private final RecurrenceRule rule;
  private final LocalDateTime start;
  private final ZoneId zone;
  private final TreeSet<LocalDateTime> exdates;

  private Recurrence(String rrule, RecurrenceRule rule, LocalDateTime start, ZoneId zone, TreeSet<LocalDateTime> exdates) {
    this.rrule = rrule;
    this.rule = rule;
    this.start = start;
    this.zone = zone;
    this.exdates = exdates;
  }

  /** Parses and checks a recurrence; every problem is an {@link InvalidRuleException} with a reason. */
  public static Recurrence of(String rrule, LocalDateTime dtstart, String timezone, List<LocalDateTime> exdates) {
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
    Recurrence recurrence = new Recurrence(text, rule, start, zone,
      new TreeSet<>(exdates == null ? List.of() : exdates.stream().map(d -> d.truncatedTo(ChronoUnit.SECONDS)).toList()));
    if (recurrence.first(1).isEmpty() && recurrence.firstAfter(start).isEmpty()) {
      throw new InvalidRuleException("rrule '" + rrule + "' never produces an occurrence from " + start + ".");
    }
    return recurrence;
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
    List<LocalDateTime> result = new ArrayList<>(count);
    RecurrenceRuleIterator it = iterator();
    for (int scanned = 0; result.size() < count && scanned < MAX_SCAN && hasNext(it); scanned++) {
      LocalDateTime next = next(it);
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
    RecurrenceRuleIterator it = iterator();
    if (it != null && after.isAfter(start)) {
      try {
        it.fastForward(floating(after));
      } catch (RuntimeException cannotMatch) {
        return Optional.empty();
      }
    }
    for (int scanned = 0; scanned < MAX_SCAN && hasNext(it); scanned++) {
      LocalDateTime next = next(it);
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
   * The latest occurrence in [{@code from}, {@code notAfter}], EXDATEs left out: what an on-schedule series spawns
   * after downtime. Iterates from {@code from}, so it costs the occurrences missed, not the series' whole past.
   */
  public Optional<LocalDateTime> latestBetween(LocalDateTime from, LocalDateTime notAfter) {
    RecurrenceRuleIterator it = iterator();
    if (it != null && from.isAfter(start)) {
      try {
        it.fastForward(floating(from));
      } catch (RuntimeException cannotMatch) {
        return Optional.empty();
      }
    }
    LocalDateTime last = null;
    for (int scanned = 0; scanned < MAX_SCAN && hasNext(it); scanned++) {
      LocalDateTime next = next(it);
      if (next == null || next.isAfter(notAfter)) {
        break;
      }
      if (!next.isBefore(from) && !exdates.contains(next)) {
        last = next;
      }
    }
    return Optional.ofNullable(last);
  }

  /** The same recurrence with {@code exdate} excluded too. */
  public Recurrence excluding(LocalDateTime exdate) {
    TreeSet<LocalDateTime> more = new TreeSet<>(exdates);
    more.add(exdate.truncatedTo(ChronoUnit.SECONDS));
    return new Recurrence(rrule, rule, start, zone, more);
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

  /** The same rule and zone started again at {@code newStart} (a completion-anchored series moves its start). */
  public Recurrence restartedAt(LocalDateTime newStart) {
    return new Recurrence(rrule, rule, newStart.truncatedTo(ChronoUnit.SECONDS), zone, exdates);
  }

  /** An iterator from DTSTART; lib-recur throws already here for a rule that can never match: then null. */
  private RecurrenceRuleIterator iterator() {
    try {
      return rule.iterator(floating(start));
    } catch (RuntimeException cannotMatch) {
      return null;
    }
  }

  /** lib-recur signals a rule that cannot match by throwing from the iterator. */
  private static boolean hasNext(RecurrenceRuleIterator it) {
    try {
      return it != null && it.hasNext();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static LocalDateTime next(RecurrenceRuleIterator it) {
    try {
      return local(it.nextDateTime());
    } catch (RuntimeException cannotMatch) {
      return null;
    }
  }

  private static DateTime floating(LocalDateTime t) {
    return new DateTime(t.getYear(), t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(),
      t.getSecond());
  }

  private static LocalDateTime local(DateTime t) {
    return LocalDateTime.of(t.getYear(), t.getMonth() + 1, t.getDayOfMonth(), t.getHours(), t.getMinutes(),
      t.getSeconds());
  }
}
