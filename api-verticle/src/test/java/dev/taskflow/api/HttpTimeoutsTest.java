package dev.taskflow.api;

import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("HTTP connections time out")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpTimeoutsTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;

  @BeforeAll
  void start() {
    api = new TestApi(db, new JsonObject().put("http.header.timeout.seconds", 1).put("http.idle.timeout.seconds", 3));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private record Connection(NetSocket socket, Buffer received, Promise<Void> closed) {
  }

  private Connection connect() {
    NetSocket socket = TestApi.await(api.vertx.createNetClient()
      .connect(api.config.getInteger("http.port"), "127.0.0.1"));
    Buffer received = Buffer.buffer();
    Promise<Void> closed = Promise.promise();
    socket.handler(received::appendBuffer);
    socket.closeHandler(v -> closed.tryComplete());
    return new Connection(socket, received, closed);
  }

  private static long closesWithinMillis(Connection connection, long boundMillis) throws Exception {
    long start = System.nanoTime();
    connection.closed().future().toCompletionStage().toCompletableFuture().get(boundMillis, TimeUnit.MILLISECONDS);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  @DisplayName("a client that sends half a request line and then nothing is disconnected after the header timeout")
  void halfARequestLine() throws Exception {
    Connection connection = connect();
    connection.socket().write("GET /health/li");

    closesWithinMillis(connection, 2_500); // header timeout 1 s; the idle timeout (3 s) would be later
    assertThat(connection.received().length()).isZero();
  }

  @Test
  @DisplayName("a client that drips its headers one byte at a time, below the idle timeout, is disconnected too")
  void drippedHeaders() throws Exception {
    Connection connection = connect();
    String request = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(100) + "\r\n\r\n";
    long timer = api.vertx.setPeriodic(200, new java.util.function.LongConsumer() {
      int next;

      @Override
      public void accept(long id) {
        if (next < request.length()) {
          connection.socket().write(String.valueOf(request.charAt(next++)));
        }
      }
    }::accept);
    try {
      closesWithinMillis(connection, 2_500);
    } finally {
      api.vertx.cancelTimer(timer);
    }
    assertThat(connection.received().length()).isZero();
  }

  @Test
  @DisplayName("a complete request is answered, and the kept-alive connection is closed once idle")
  void idle() throws Exception {
    Connection connection = connect();
    connection.socket().write("GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n");

    closesWithinMillis(connection, 6_000);
    assertThat(connection.received().toString()).startsWith("HTTP/1.1 200");
  }
}
