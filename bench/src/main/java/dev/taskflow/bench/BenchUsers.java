package dev.taskflow.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Fresh accounts for a run, without passwords: only their tasks and event sequences matter to a benchmark. */
final class BenchUsers {

  private static final String CREATE = """
    INSERT INTO users (id, email, display_name)
    SELECT gen_random_uuid(), 'bench-' || n || '-' || $2 || '@example.com', 'bench ' || n
      FROM generate_series(1, $1) AS n
    RETURNING id
    """;

  private BenchUsers() {
  }

  static Future<List<UUID>> create(Pool pool, int count) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    return pool.preparedQuery(CREATE).execute(Tuple.of(count, run)).map(rows -> {
      List<UUID> ids = new ArrayList<>(rows.rowCount());
      rows.forEach(row -> ids.add(row.getUUID("id")));
      return ids;
    });
  }
}
