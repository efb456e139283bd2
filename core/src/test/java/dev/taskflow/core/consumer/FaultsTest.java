package dev.taskflow.core.consumer;

import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Faults")
class FaultsTest {

  private static PgException pg(String state) {
    return new PgException("message", "ERROR", state, "detail");
  }

  @ParameterizedTest(name = "SQLSTATE {0} is transient")
  @ValueSource(strings = {"08006", "08001", "57P01", "57P02", "57P03", "57014", "40001", "40P01", "53300", "55P03",
    "58030"})
  void transientStates(String state) {
    assertThat(Faults.isTransient(pg(state))).isTrue();
    assertThat(Faults.isDatabaseUnavailable(pg(state))).isTrue();
  }

  @ParameterizedTest(name = "SQLSTATE {0} is not transient")
  @ValueSource(strings = {"22P02", "22001", "23505", "23503", "42601", "42P01", "P0001", "XX000"})
  void deterministicStates(String state) {
    assertThat(Faults.isTransient(pg(state))).isFalse();
  }

  @Test
  @DisplayName("connections refused or closed, I/O errors and timeouts are transient, also as a cause")
  void connectionFailures() {
    assertThat(Faults.isTransient(new ConnectException("Connection refused"))).isTrue();
    assertThat(Faults.isTransient(ClosedConnectionException.INSTANCE)).isTrue();
    assertThat(Faults.isTransient(new TimeoutException("timed out"))).isTrue();
    assertThat(Faults.isTransient(new VertxException("Connection is closed", true))).isTrue();
    assertThat(Faults.isTransient(new IllegalStateException("wrapped", new ConnectException("refused")))).isTrue();
  }

  @Test
  @DisplayName("an event-bus request nobody answered is transient for a consumer, but is not the database being down")
  void eventBus() {
    ReplyException noHandlers = new ReplyException(ReplyFailure.NO_HANDLERS, "no handlers");
    assertThat(Faults.isTransient(noHandlers)).isTrue();
    assertThat(Faults.isDatabaseUnavailable(noHandlers)).isFalse();
    assertThat(Faults.isTransient(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400, "bad"))).isFalse();
  }

  @Test
  @DisplayName("a handler's own failures and bugs are not transient")
  void handlerFailures() {
    assertThat(Faults.isTransient(new IllegalArgumentException("bad event"))).isFalse();
    assertThat(Faults.isTransient(new NullPointerException())).isFalse();
    assertThat(Faults.isTransient(new VertxException("something else", true))).isFalse();
    // a constraint violation whose cause chain mentions a connection is still the statement's fault
    assertThat(Faults.isTransient(new PgException("dup", "ERROR", "23505", "d"))).isFalse();
  }
}
