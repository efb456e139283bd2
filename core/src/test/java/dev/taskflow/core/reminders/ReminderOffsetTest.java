package dev.taskflow.core.reminders;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A reminder's offset")
class ReminderOffsetTest {

  @ParameterizedTest(name = "{0} reads as {1}")
  @CsvSource({
    "-PT30M, -PT30M", "-pt90m, -PT1H30M", "PT0S, PT0S", "-PT0S, PT0S", "P1W, P7D", "-P1DT2H, -P1DT2H",
    "+PT45S, PT45S", "-PT86400S, -PT24H", "-P1DT24H, -P1DT24H", "-P365D, -P365D", "  -PT5M , -PT5M"})
  void canonical(String text, String canonical) {
    assertThat(ReminderOffset.parse(text).toString()).isEqualTo(canonical);
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(strings = {"", "P", "-P", "PT", "P1DT", "P1M", "P1Y", "-PT1.5H", "PT-30M", "30M", "-P366D", "P52W2D",
    "--PT1M", "P1D2W", "PT99999999999H"})
  void refused(String text) {
    assertThatThrownBy(() -> ReminderOffset.parse("offset", text)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("offset must be");
  }

  @Test
  @DisplayName("hours are exact, days are calendar days in the task's zone across a daylight-saving change")
  void daysInTheZone() {
    OffsetDateTime due = OffsetDateTime.parse("2026-03-29T09:00:00+02:00");

    assertThat(ReminderOffset.parse("-P1D").fireAt(due, "Europe/Paris")).isEqualTo("2026-03-28T08:00:00Z");
    assertThat(ReminderOffset.parse("-PT24H").fireAt(due, "Europe/Paris")).isEqualTo("2026-03-28T07:00:00Z");
    assertThat(ReminderOffset.parse("-P1D").fireAt(due, null)).isEqualTo("2026-03-28T07:00:00Z");
    assertThat(ReminderOffset.parse("PT15M").fireAt(due, "Europe/Paris")).isEqualTo("2026-03-29T07:15:00Z");
  }

  @Test
  @DisplayName("only a duration that ends after now is positive")
  void positive() {
    assertThat(ReminderOffset.parse("PT10M").positive()).isTrue();
    assertThat(ReminderOffset.parse("PT0S").positive()).isFalse();
    assertThat(ReminderOffset.parse("-PT10M").positive()).isFalse();
  }
}
