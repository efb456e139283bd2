package dev.taskflow.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * One user's rows as the outbox contract sees them: tasks, outbox events, the highest event sequence and the
 * counter in {@code users.event_seq}.
 */
record UserCounts(long tasks, long outbox, long maxSequence, long eventSeq) {

  private static final String COUNTS = """
    SELECT (SELECT count(*) FROM tasks WHERE user_id = $1) AS tasks,
           (SELECT count(*) FROM outbox WHERE user_id = $1) AS outbox,
           (SELECT coalesce(max(sequence), 0) FROM outbox WHERE user_id = $1) AS max_sequence,
           (SELECT event_seq FROM users WHERE id = $1) AS event_seq
    """;

  static Future<UserCounts> read(Pool pool, UUID userId) {
    return pool.preparedQuery(COUNTS).execute(Tuple.of(userId)).map(rows -> {
      Row row = rows.iterator().next();
      if (row.getLong("event_seq") == null) {
        throw new IllegalStateException("No user " + userId + " in this database: is --db-url the server's?");
      }
      return new UserCounts(row.getLong("tasks"), row.getLong("outbox"), row.getLong("max_sequence"),
        row.getLong("event_seq"));
    });
  }

  UserCounts minus(UserCounts before) {
    return new UserCounts(tasks - before.tasks, outbox - before.outbox, maxSequence - before.maxSequence,
      eventSeq - before.eventSeq);
  }
}
