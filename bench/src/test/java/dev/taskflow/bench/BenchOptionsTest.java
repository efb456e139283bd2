package dev.taskflow.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {

  @Test
  @DisplayName("With no arguments the run is self-contained: 50 connections, 10 s measured after 3 s of warm-up")
  void defaults() {
    BenchOptions options = BenchOptions.parse(new String[0]);

    assertThat(options.selfContained()).isTrue();
    assertThat(options.backbone()).isFalse();
    assertThat(options.connections()).isEqualTo(50);
    assertThat(options.seconds()).isEqualTo(10);
    assertThat(options.warmupSeconds()).isEqualTo(3);
  }

  @Test
  @DisplayName("backbone runs the event-backbone benchmark: 1000 writes/s over 100 users unless told otherwise")
  void backbone() {
    BenchOptions defaults = BenchOptions.parse(new String[]{"backbone"});
    BenchOptions tuned = BenchOptions.parse(new String[]{"backbone", "--rate", "500", "--users", "20", "--seconds",
      "5", "--warmup-seconds", "1"});

    assertThat(defaults.backbone()).isTrue();
    assertThat(defaults.rate()).isEqualTo(1000);
    assertThat(defaults.users()).isEqualTo(100);
    assertThat(defaults.seconds()).isEqualTo(10);
    assertThat(defaults.warmupSeconds()).isEqualTo(3);
    assertThat(tuned.rate()).isEqualTo(500);
    assertThat(tuned.users()).isEqualTo(20);
    assertThat(tuned.seconds()).isEqualTo(5);
    assertThat(tuned.warmupSeconds()).isEqualTo(1);
    assertThat(BenchOptions.parse(new String[]{"api", "--connections", "8"}).connections()).isEqualTo(8);
  }

  @Test
  @DisplayName("recurrence runs the recurrence benchmark: 100 completions/s over 20 users unless told otherwise")
  void recurrence() {
    BenchOptions defaults = BenchOptions.parse(new String[]{"recurrence"});
    assertThat(defaults.benchmark()).isEqualTo(BenchOptions.RECURRENCE);
    assertThat(defaults.rate()).isEqualTo(100);
    assertThat(defaults.users()).isEqualTo(20);
    assertThat(BenchOptions.parse(new String[]{"recurrence", "--rate", "40"}).rate()).isEqualTo(40);
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"recurrence", "--url", "http://127.0.0.1:8080"}))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("self-contained");
  }

  @Test
  @DisplayName("reminders runs the firing benchmark: 10,000 reminders due within 60 s, two notifiers, 100 users")
  void reminders() {
    BenchOptions defaults = BenchOptions.parse(new String[]{"reminders"});
    BenchOptions tuned = BenchOptions.parse(new String[]{"reminders", "--reminders", "500", "--spread-seconds", "5",
      "--instances", "3", "--users", "7"});

    assertThat(defaults.reminders()).isTrue();
    assertThat(defaults.backbone()).isFalse();
    assertThat(defaults.reminderCount()).isEqualTo(10_000);
    assertThat(defaults.spreadSeconds()).isEqualTo(60);
    assertThat(defaults.instances()).isEqualTo(2);
    assertThat(defaults.users()).isEqualTo(100);
    assertThat(tuned.reminderCount()).isEqualTo(500);
    assertThat(tuned.spreadSeconds()).isEqualTo(5);
    assertThat(tuned.instances()).isEqualTo(3);
    assertThat(tuned.users()).isEqualTo(7);
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"backbone", "--reminders", "5"}))
      .hasMessageContaining("options of the reminders benchmark");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"reminders", "--rate", "5"}))
      .hasMessageContaining("backbone");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"reminders", "--url", "http://localhost:8080"}))
      .hasMessageContaining("reminders benchmark runs self-contained");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"reminders", "--instances", "9"}))
      .hasMessageContaining("between 1 and 8");
  }

  @Test
  @DisplayName("Each benchmark refuses the other's options")
  void optionsBelongToTheirBenchmark() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--rate", "500"})).hasMessageContaining("backbone");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"api", "--users", "5"})).hasMessageContaining("backbone");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"backbone", "--url", "http://localhost:8080"}))
      .hasMessageContaining("self-contained");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"backbone", "--rate", "0"}))
      .hasMessageContaining("between 1 and 20000");
  }

  @Test
  @DisplayName("A running server is given by its root URL, with a token or an account, and optionally its database")
  void remote() {
    BenchOptions options = BenchOptions.parse(new String[]{"--url", "http://localhost:8080/", "--email", "a@b.c",
      "--password", "secret-pw", "--db-url", "postgresql://u:p@127.0.0.1:5432/taskflow", "--connections", "8"});

    assertThat(options.selfContained()).isFalse();
    assertThat(options.url()).isEqualTo(URI.create("http://localhost:8080"));
    assertThat(options.dbUrl()).isEqualTo("postgresql://u:p@127.0.0.1:5432/taskflow");
    assertThat(options.connections()).isEqualTo(8);
  }

  @Test
  @DisplayName("Only loopback targets are accepted, so the harness cannot be pointed at someone else's server")
  void loopbackOnly() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--url", "http://10.0.0.5:8080"}))
      .hasMessageContaining("must point at this machine");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--url", "http://example.com:8080"}))
      .hasMessageContaining("must point at this machine");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--url", "http://[::1]:8080", "--db-url",
      "postgresql://u:p@db.example.com:5432/x"}))
      .hasMessageContaining("--db-url must point at this machine");
    assertThat(BenchOptions.parse(new String[]{"--url", "http://[::1]:8080"}).url().getPort()).isEqualTo(8080);
  }

  @Test
  @DisplayName("Options that only make sense against a running server are refused in the self-contained run")
  void remoteOnlyOptions() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--token", "x"})).hasMessageContaining("go with --url");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--db-url", "postgresql://u:p@localhost/x"}))
      .hasMessageContaining("go with --url");
  }

  @Test
  @DisplayName("Bad numbers, missing values, half an account and unknown flags are refused with the reason")
  void refusals() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--connections", "0"}))
      .hasMessageContaining("between 1 and 1000");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--connections", "151"}))
      .hasMessageContaining("at most 150");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--seconds", "ten"}))
      .hasMessageContaining("whole number");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--seconds"})).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--url", "http://localhost:1", "--email", "a@b.c"}))
      .hasMessageContaining("go together");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--url", "http://localhost:1", "--token", "t",
      "--email", "a@b.c", "--password", "p"})).hasMessageContaining("not both");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--url", "https://localhost:1"}))
      .hasMessageContaining("http://127.0.0.1:8080");
    assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--frobnicate"})).hasMessageContaining("Unknown");
  }
}
