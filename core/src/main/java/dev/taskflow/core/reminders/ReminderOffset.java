package dev.taskflow.core.reminders;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a relative reminder fires, relative to its task's due date: an ISO-8601 duration such as {@code -PT30M}
 * (30 minutes before), {@code -P1D} (the day before, at the same wall-clock time) or {@code PT0S} (at the due time).
 * Weeks and days are calendar days in the task's time zone, so "the day before" stays at the same local time across a
 * daylight-saving change; hours, minutes and seconds are exact. Months and years are refused (their length varies too
 * much to be what anyone means by a reminder), as are fractions, and the offset is at most {@link #MAX_DAYS} days
 * either way.
 *
 * @param negative before the due date
 * @param days     calendar days (weeks count as 7)
 * @param seconds  exact seconds (hours, minutes and seconds: {@code PT24H} stays 24 hours, not a calendar day)
 */
public record ReminderOffset(boolean negative, int days, int seconds) {

  public static final int MAX_DAYS = 365;
  private static final Pattern ISO = Pattern.compile(
    "([-+]?)P(?:(\\d{1,4})W)?(?:(\\d{1,4})D)?(?:T(?:(\\d{1,5})H)?(?:(\\d{1,6})M)?(?:(\\d{1,8})S)?)?");

  /** Reads a stored offset. */
  public static ReminderOffset parse(String text) {
    return parse("offset", text);
  }

  /**
   * Reads an offset, normalising it ({@code -PT90M} is {@code -PT1H30M}, {@code P1W} is {@code P7D}).
   *
   * @param field names the value in the message of a refusal
   * @throws IllegalArgumentException with a message that says what is wrong, for the API to answer as a 400
   */
  public static ReminderOffset parse(String field, String text) {
    String value = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
    Matcher m = ISO.matcher(value);
    if (!m.matches() || value.endsWith("P") || value.endsWith("T")) {
      throw new IllegalArgumentException(field + " must be an ISO-8601 duration in weeks, days, hours, minutes or "
        + "seconds, such as -PT30M, PT10M or -P1D; '" + text + "' is not one.");
    }
    long seconds = number(m, 4) * 3600 + number(m, 5) * 60 + number(m, 6);
    long days = number(m, 2) * 7 + number(m, 3);
    if (days * 86_400 + seconds > MAX_DAYS * 86_400L) {
      throw new IllegalArgumentException(field + " must be at most " + MAX_DAYS + " days; '" + text + "' is more.");
    }
    boolean negative = "-".equals(m.group(1)) && (days > 0 || seconds > 0);
    return new ReminderOffset(negative, (int) days, (int) seconds);
  }

  private static long number(Matcher m, int group) {
    return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
  }

  /** Strictly after: neither zero nor before. */
  public boolean positive() {
    return !negative && (days > 0 || seconds > 0);
  }

  /** The time this offset gives for a task due at {@code due}, whose wall clock is {@code timezone} (null: UTC). */
  public OffsetDateTime fireAt(OffsetDateTime due, String timezone) {
    ZoneId zone = timezone == null ? ZoneOffset.UTC : ZoneId.of(timezone);
    int sign = negative ? -1 : 1;
    ZonedDateTime local = due.atZoneSameInstant(zone).plusDays((long) sign * days);
    return local.toOffsetDateTime().plus(Duration.ofSeconds((long) sign * seconds))
      .withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** The canonical text, as stored and shown: {@code -P1DT2H}, {@code PT0S}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(negative ? "-P" : "P");
    if (days > 0) {
      text.append(days).append('D');
    }
    if (seconds > 0 || days == 0) {
      text.append('T');
      int h = seconds / 3600;
      int min = seconds % 3600 / 60;
      int s = seconds % 60;
      if (h > 0) {
        text.append(h).append('H');
      }
      if (min > 0) {
        text.append(min).append('M');
      }
      if (s > 0 || seconds == 0) {
        text.append(s).append('S');
      }
    }
    return text.toString();
  }
}
