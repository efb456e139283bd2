package dev.taskflow.core.outbox;

import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.NoSuchElementException;
import java.util.UUID;

/**
 * Writes events to the outbox inside the caller's transaction. Each event takes the next value of the user's
 * {@code event_seq}: the UPDATE locks the user's row until the transaction ends, so concurrent writers of one user
 * queue behind each other and the sequence has neither gaps nor duplicates (a rolled-back transaction gives its value
 * back). Other users are not blocked.
 */
public final class OutboxWriter {

  private static final String NEXT_SEQUENCE = """
    UPDATE users SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq
    """;

  private static final String INSERT = """
    INSERT INTO outbox (event_id, topic, event_key, user_id, sequence, event)
    VALUES ($1, $2, $3, $4, $5, $6)
    """;

  private final String service;

  /** @param service the name that goes into the events' {@code source} ({@code /taskflow/<service>}) */
  public OutboxWriter(String service) {
    this.service = service;
  }

  /**
   * Appends one event for {@code userId}. Must run on a connection inside an open transaction.
   *
   * @return the event as written, with its sequence
   */
  public Future<TaskflowEvent> append(SqlClient tx, UUID userId, String type, String subject, String correlationId,
                                      JsonObject data) {
    return tx.preparedQuery(NEXT_SEQUENCE).execute(Tuple.of(userId))
      .map(rows -> {
        if (rows.rowCount() == 0) {
          throw new NoSuchElementException("No user " + userId);
        }
        return rows.iterator().next().getLong(0);
      })
      .compose(sequence -> {
        TaskflowEvent event = TaskflowEvent.create(service, type, subject, userId, sequence, correlationId, data);
        return tx.preparedQuery(INSERT)
          .execute(Tuple.of(event.id(), event.topic(), userId.toString(), userId, sequence, event.toJson()))
          .map(event);
      });
  }
}
