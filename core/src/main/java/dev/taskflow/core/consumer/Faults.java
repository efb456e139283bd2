package dev.taskflow.core.consumer;

import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClosedException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a transient failure (the database or the network is away for a while; the same work succeeds later) from one
 * that says something about the work itself. A consumer retries a transient failure for as long as it lasts and never
 * dead-letters the event for it; the API answers it with 503 and {@code Retry-After} instead of a 500.
 *
 * <p>Transient: a connection that cannot be made or was closed, an I/O error, a timeout, an event-bus request nobody
 * answered, and the SQLSTATEs PostgreSQL documents as "try again": class 08 (connection exception), 53 (insufficient
 * resources), 57P01–57P03 (shutdown, cannot connect now), 57014 (statement timeout), 40001 (serialization failure),
 * 40P01 (deadlock), 55P03 (lock not available), 58 (system/I-O error). Any other SQLSTATE (22 data exception, 23
 * constraint violation, 42 syntax, ...) comes from the statement and its input, and fails the same way every time.
 */
public final class Faults {

  private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "57014", "40001", "40P01",
    "55P03");
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "58");
  /** How deep a cause chain is searched (a cycle must not loop). */
  private static final int MAX_DEPTH = 10;

  private Faults() {
  }

  /** True when the failure, or anything in its cause chain, is transient (see the class comment). */
  public static boolean isTransient(Throwable failure) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
      if (transientItself(current)) {
        return true;
      }
      if (current instanceof DatabaseException) {
        return false; // the server answered with a SQLSTATE that is not transient: its cause cannot make it so
      }
      current = current.getCause() == current ? null : current.getCause();
    }
    return false;
  }

  /** True when the database cannot be reached or is going away: what the API answers with 503. */
  public static boolean isDatabaseUnavailable(Throwable failure) {
    return isTransient(failure) && !(failure instanceof ReplyException);
  }

  private static boolean transientItself(Throwable failure) {
    if (failure instanceof DatabaseException database) {
      String state = database.getSqlState();
      return state != null && (TRANSIENT_STATES.contains(state)
        || (state.length() == 5 && TRANSIENT_CLASSES.contains(state.substring(0, 2))));
    }
    if (failure instanceof ReplyException reply) {
      return reply.failureType() == ReplyFailure.TIMEOUT || reply.failureType() == ReplyFailure.NO_HANDLERS;
    }
    return failure instanceof ClosedConnectionException
      || failure instanceof HttpClosedException
      || failure instanceof ClosedChannelException
      || failure instanceof IOException // ConnectException, connection reset, ...
      || failure instanceof TimeoutException
      || failure instanceof RejectedExecutionException
      || failure instanceof VertxException vertx && closedMessage(vertx.getMessage());
  }

  /** The SQL client and Netty say "connection closed" with a plain VertxException in some places. */
  private static boolean closedMessage(String message) {
    if (message == null) {
      return false;
    }
    String lower = message.toLowerCase(java.util.Locale.ROOT);
    return lower.contains("connection is closed") || lower.contains("connection closed")
      || lower.contains("connection refused");
  }
}
