package dev.taskflow.audit.log;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.UUID;

/**
 * The {@code event_log} table: appended to by the consumer, read by history queries, never changed, with one
 * exception: {@code taskflow.account.deleted} erases that user's history in the same transaction as it is appended,
 * keeping only itself (the user id and the time, nothing else of the user), so a deleted account leaves no data
 * behind. The database permits that delete only to a transaction that names the user ({@code taskflow.erase_user},
 * migration V9). Events of that user arriving later are dropped at the append.
 */
public final class EventLogRepository {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventLogRepository.class);

  /**
   * The event comes as text ({@link TaskflowEvent#encode}): cheaper than a JsonObject the client encodes again. An
   * event of a user whose {@code taskflow.account.deleted} is in the log already is not stored: a reminder or task
   * event still in flight when the account went (the topics have no order between them, and a replay reads one topic
   * after the other) must not bring the erased history back.
   */
  private static final String APPEND = """
    INSERT INTO event_log (event_id, user_id, sequence, type, subject, occurred_at, topic, event)
    SELECT $1::uuid, $2::uuid, $3::bigint, $4::text, $5::text, $6::timestamptz, $7::text, $8::text::jsonb
     WHERE $4::text = '""" + EventTypes.ACCOUNT_DELETED + """
    ' OR NOT EXISTS (SELECT 1 FROM event_log d WHERE d.user_id = $2::uuid AND d.type = '""" + EventTypes.ACCOUNT_DELETED + """
    ')
    ON CONFLICT (event_id) DO NOTHING
    """;

  /** Filters whose parameter is NULL are off; always one user, in sequence order, keyset on sequence. */
  private static final String HISTORY = """
    SELECT sequence, event FROM event_log
     WHERE user_id = $1
       AND ($2::text IS NULL OR type = $2)
       AND ($3::text IS NULL OR type <> $3)
       AND ($4::text IS NULL OR subject = $4)
       AND ($5::timestamptz IS NULL OR occurred_at >= $5)
       AND ($6::timestamptz IS NULL OR occurred_at < $6)
       AND sequence > $7
     ORDER BY sequence
     LIMIT $8
    """;

  private static final String NAME_ERASED_USER = "SELECT set_config('taskflow.erase_user', $1, true)";

  private static final String ERASE = """
    DELETE FROM event_log WHERE user_id = $1 AND type <> '""" + EventTypes.ACCOUNT_DELETED + "'";

  private final Pool pool;

  public EventLogRepository(Pool pool) {
    this.pool = pool;
  }

  /** Appends one event inside the consumer's transaction; an event already in the log changes nothing. */
  public Future<Void> append(SqlClient tx, TaskflowEvent event) {
    return insert(tx, event).compose(v -> eraseIfDeleted(tx, List.of(event)));
  }

  /** Appends several events, in order, in one round trip (a batched statement) inside the consumer's transaction. */
  public Future<Void> appendAll(SqlClient tx, List<TaskflowEvent> events) {
    return tx.preparedQuery(APPEND).executeBatch(events.stream().map(EventLogRepository::row).toList())
      .compose(v -> eraseIfDeleted(tx, events));
  }

  /** Erases the history of every user whose account deletion is among these events (see the class comment). */
  private Future<Void> eraseIfDeleted(SqlClient tx, List<TaskflowEvent> events) {
    Future<Void> erased = Future.succeededFuture();
    for (TaskflowEvent event : events) {
      if (EventTypes.ACCOUNT_DELETED.equals(event.type())) {
        UUID userId = event.userId();
        erased = erased
          .compose(v -> tx.preparedQuery(NAME_ERASED_USER).execute(Tuple.of(userId.toString())))
          .compose(v -> tx.preparedQuery(ERASE).execute(Tuple.of(userId)))
          .onSuccess(rows -> LOG.info("Account {} deleted: its history of {} events is erased", userId,
            rows.rowCount()))
          .mapEmpty();
      }
    }
    return erased;
  }

  /** Appends one event; true when it was new, false when the log had it already. */
  public Future<Boolean> insert(SqlClient client, TaskflowEvent event) {
    return client.preparedQuery(APPEND).execute(row(event)).map(rows -> rows.rowCount() == 1);
  }

  private static Tuple row(TaskflowEvent event) {
    return Tuple.from(new Object[]{event.id(), event.userId(), event.sequence(), event.type(), event.subject(),
      event.time(), event.topic(), event.encode()});
  }

  /** The logged copy of an event, or null. */
  public Future<JsonObject> find(UUID eventId) {
    return pool.preparedQuery("SELECT event FROM event_log WHERE event_id = $1").execute(Tuple.of(eventId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getJsonObject("event"));
  }

  /** {@code {items: [CloudEvent...], nextAfterSequence}}; the latter is null on the last page. */
  public Future<JsonObject> history(HistoryQuery q) {
    return pool.preparedQuery(HISTORY)
      .execute(Tuple.from(new Object[]{q.userId(), q.type(), q.withoutType(), q.aggregateId(), q.from(), q.to(),
        q.afterSequence(), q.limit() + 1}))
      .map(rows -> {
        JsonArray items = new JsonArray();
        long last = q.afterSequence();
        boolean more = false;
        for (Row row : rows) {
          if (items.size() == q.limit()) {
            more = true;
            break;
          }
          items.add(row.getJsonObject("event"));
          last = row.getLong("sequence");
        }
        return new JsonObject().put("items", items).put("nextAfterSequence", more ? last : null);
      });
  }
}
