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

  /**
   * One statement takes the user's next sequence number and inserts the event stamped with it, so the user's row lock
   * (held to commit) costs one round trip less. The event comes as text ({@link TaskflowEvent#encode}).
   */
  private static final String APPEND = """
    WITH next AS (UPDATE users SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq)
    INSERT INTO outbox (event_id, topic, event_key, user_id, sequence, event)
    SELECT $2, $3, $4, $1, next.event_seq, jsonb_set($5::text::jsonb, '{sequence}', to_jsonb(next.event_seq))
      FROM next
    RETURNING sequence
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
    TaskflowEvent draft = TaskflowEvent.create(service, type, subject, userId, 0, correlationId, data);
    return tx.preparedQuery(APPEND)
      .execute(Tuple.of(userId, draft.id(), draft.topic(), userId.toString(), draft.encode()))
      .map(rows -> {
        if (rows.rowCount() == 0) {
          throw new NoSuchElementException("No user " + userId);
        }
        long sequence = rows.iterator().next().getLong("sequence");
        return new TaskflowEvent(draft.id(), draft.source(), draft.type(), draft.subject(), draft.time(),
          draft.userId(), sequence, draft.correlationId(), draft.data());
      });
  }
}
