package dev.taskflow.core.db;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;

/**
 * Where the database is and how many connections to keep.
 *
 * @param url      {@code postgresql://user:pass@host:port/db}; empty means "start the embedded PostgreSQL"
 * @param poolSize the size of a verticle's connection pool
 */
public record DatabaseSettings(String url, int poolSize) {

  public static DatabaseSettings from(JsonObject config) {
    return new DatabaseSettings(config.getString("db.url", ""), config.getInteger("db.pool.size", 16));
  }

  public boolean embedded() {
    return url == null || url.isBlank();
  }

  public PgConnectOptions connectOptions() {
    if (embedded()) {
      throw new IllegalStateException("db.url is not set: start the embedded PostgreSQL first");
    }
    return PgConnectOptions.fromUri(url)
      .setCachePreparedStatements(true)
      .setPipeliningLimit(256);
  }

  /** The same database as a JDBC URL, for Flyway. */
  public String jdbcUrl() {
    PgConnectOptions o = connectOptions();
    return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }
}
