package dev.taskflow.api.tasks;

import dev.taskflow.core.tasks.Task;

import dev.taskflow.api.http.Problem;
import io.vertx.core.json.JsonArray;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns validated request values into domain values. The OpenAPI schema has checked shapes and lengths; what a
 * schema cannot check (a real calendar date, a real IANA zone) is checked here, as a 400 with the field named.
 */
public final class TaskInput {

  private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("[^\\x00\\s,][^\\x00,]{0,49}");
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
  private static final OffsetDateTime MIN = OffsetDateTime.of(1900, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private static final OffsetDateTime MAX = OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC);

  private TaskInput() {
  }

  public static OffsetDateTime instant(String field, String value) {
    if (value == null) {
      return null;
    }
    OffsetDateTime time;
    try {
      time = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    } catch (DateTimeException e) {
      throw Problem.badRequest(field + " must be an RFC 3339 date-time with an offset, such as "
        + "2026-11-23T09:00:00Z; '" + value + "' is not one.");
    }
    if (time.isBefore(MIN) || time.isAfter(MAX)) {
      throw Problem.badRequest(field + " must be between the years 1900 and 9999.");
    }
    return time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  static String zone(String field, String value) {
    if (value == null) {
      return null;
    }
    if (!ZONES.contains(value)) {
      throw Problem.badRequest(field + " must be an IANA time zone name such as Europe/Paris; '" + value
        + "' is not one.");
    }
    return value;
  }

  /** A title from a patch: stripped, and not blank. */
  static String title(String value) {
    String title = text(value);
    if (title != null && title.isEmpty()) {
      throw Problem.badRequest("title must not be blank.");
    }
    return title;
  }

  public static String oneOf(String field, String value, String... allowed) {
    if (value == null || java.util.Arrays.asList(allowed).contains(value)) {
      return value;
    }
    throw Problem.badRequest(field + " must be one of " + String.join(", ", allowed) + "; '" + value
      + "' is not.");
  }

  /** An id in a query parameter ({@code seriesId}, {@code aggregateId}): a UUID in its usual form, or null when absent. */
  public static java.util.UUID uuid(String field, String value) {
    if (value == null) {
      return null;
    }
    if (!value.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      throw Problem.badRequest(field + " must be an id such as 0b7e3f62-5c1a-4c8e-9f3e-2d1b6a7c9e01; '" + value
        + "' is not.");
    }
    return java.util.UUID.fromString(value);
  }

  public static int integer(String field, String value, int min, int max, int fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.badRequest(field + " must be a whole number from " + min + " to " + max + ".");
  }

  /** Free text of 1 to 200 characters, no NUL. */
  static String searchText(String field, String value) {
    if (value == null) {
      return null;
    }
    if (value.isEmpty() || value.length() > 200 || value.indexOf('\0') >= 0) {
      throw Problem.badRequest(field + " must be 1 to 200 characters with no NUL character.");
    }
    return value;
  }

  /** A tag as the Tag schema has it: 1 to 50 characters, no comma or NUL, not starting with a space. */
  static String tag(String field, String value) {
    if (value == null) {
      return null;
    }
    if (!TAG.matcher(value).matches()) {
      throw Problem.badRequest(field + " must be 1 to 50 characters, with no comma or NUL character.");
    }
    return value;
  }

  static String text(String value) {
    return value == null ? null : value.strip();
  }

  static List<String> tags(JsonArray array) {
    if (array == null) {
      return null;
    }
    List<String> tags = new ArrayList<>(array.size());
    for (Object tag : array) {
      String t = ((String) tag).strip();
      if (!tags.contains(t)) {
        tags.add(t);
      }
    }
    return tags;
  }
}
