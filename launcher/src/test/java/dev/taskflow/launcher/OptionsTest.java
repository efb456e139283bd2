package dev.taskflow.launcher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The launcher's command line")
class OptionsTest {

  @Test
  @DisplayName("redrive-dlq takes the topics, a group and --dry-run; the default command is run")
  void redrive() {
    Main.Options options = Main.Options.parse(new String[]{"redrive-dlq", "--topic", "task-events", "--group",
      "recurrence", "--dry-run"});
    assertThat(options.command()).isEqualTo("redrive-dlq");
    assertThat(options.topics()).containsExactly("task-events");
    assertThat(options.group()).isEqualTo("recurrence");
    assertThat(options.dryRun()).isTrue();
    Main.Options run = Main.Options.parse(new String[]{"--verticles", "api"});
    assertThat(run.command()).isEqualTo("run");
    assertThat(run.verticles()).isEqualTo(List.of("api"));
  }

  @Test
  @DisplayName("an unknown topic, or the redrive options without redrive-dlq, are refused with the reason")
  void refused() {
    assertThatThrownBy(() -> Main.Options.parse(new String[]{"redrive-dlq", "--topic", "task-events.dlq"}))
      .hasMessageContaining("--topic is task-events or reminders");
    assertThatThrownBy(() -> Main.Options.parse(new String[]{"--group", "audit"}))
      .hasMessageContaining("go with redrive-dlq");
    assertThatThrownBy(() -> Main.Options.parse(new String[]{"redrive-dlq", "--group"}))
      .hasMessageContaining("--group needs a value");
  }
}
