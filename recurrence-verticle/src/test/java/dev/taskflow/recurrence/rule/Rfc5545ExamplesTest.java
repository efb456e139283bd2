package dev.taskflow.recurrence.rule;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every example of RFC 5545 section 3.8.5.3, transcribed with its verified errata into {@code rfc5545-examples.json}:
 * the engine must give the occurrences the RFC lists, in order, and a finite rule must stop there.
 */
@DisplayName("The recurrence engine on RFC 5545's own examples")
class Rfc5545ExamplesTest {

  /** One example; {@code exdates} holds the RFC's EXDATEs (only "Every Friday the 13th" has one). */
  record Example(String rrule, LocalDateTime dtstart, String timezone, int count, List<LocalDateTime> exdates,
                 List<LocalDateTime> occurrences) {
  }

  static Stream<Arguments> examples() throws IOException {
    try (InputStream in = Rfc5545ExamplesTest.class.getResourceAsStream("/rfc5545-examples.json")) {
      JsonArray all = new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return all.stream().map(JsonObject.class::cast).map(o -> arguments(o.getString("name"), example(o))).toList()
        .stream();
    }
  }

  private static Example example(JsonObject o) {
    return new Example(o.getString("rrule"), LocalDateTime.parse(o.getString("dtstart")), o.getString("timezone"),
      o.getInteger("count"), times(o.getJsonArray("exdates", new JsonArray())), times(o.getJsonArray("occurrences")));
  }

  private static List<LocalDateTime> times(JsonArray values) {
    return values.stream().map(String.class::cast).map(LocalDateTime::parse).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void listedOccurrences(String name, Example example) {
    Recurrence recurrence = Recurrence.of(example.rrule(), example.dtstart(), example.timezone(), example.exdates());

    assertThat(recurrence.first(example.count())).as(example.rrule())
      .containsExactlyElementsOf(example.occurrences());
    if (recurrence.finite()) {
      assertThat(recurrence.first(example.count() + 1)).as("%s ends after %d occurrences", example.rrule(),
        example.count()).hasSize(example.count());
    }
  }

  /** The preview answers at most 100 a page; "Daily until December 24, 1997" has 113, read here page by page. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void throughPagesOf100(String name, Example example) {
    Recurrence recurrence = Recurrence.of(example.rrule(), example.dtstart(), example.timezone(), example.exdates());
    List<LocalDateTime> all = new java.util.ArrayList<>();
    List<LocalDateTime> page = recurrence.window(null, null, null, PAGE);
    int pages = 0;
    while (!page.isEmpty() && all.size() < example.count()) {
      all.addAll(page);
      pages++;
      page = recurrence.window(null, null, page.get(page.size() - 1), PAGE);
    }
    assertThat(all.subList(0, Math.min(all.size(), example.count()))).as(example.rrule())
      .containsExactlyElementsOf(example.occurrences());
    assertThat(pages).isEqualTo((example.count() + PAGE - 1) / PAGE);
    if (recurrence.finite()) {
      assertThat(all).hasSize(example.count());
      assertThat(page).isEmpty();
    }
  }

  private static final int PAGE = 100;
}
