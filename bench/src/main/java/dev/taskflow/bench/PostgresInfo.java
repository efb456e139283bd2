package dev.taskflow.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

/** The server settings that decide what a commit costs, read back so the report states them rather than assumes. */
record PostgresInfo(String version, String fsync, String synchronousCommit, String maxConnections) {

  private static final String SETTINGS = """
    SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
           current_setting('synchronous_commit') AS synchronous_commit,
           current_setting('max_connections') AS max_connections
    """;

  static Future<PostgresInfo> read(Pool pool) {
    return pool.query(SETTINGS).execute().map(rows -> {
      Row row = rows.iterator().next();
      return new PostgresInfo(row.getString("version"), row.getString("fsync"), row.getString("synchronous_commit"),
        row.getString("max_connections"));
    });
  }

  @Override
  public String toString() {
    return "PostgreSQL " + version + ", fsync=" + fsync + ", synchronous_commit=" + synchronousCommit
      + ", max_connections=" + maxConnections;
  }
}
