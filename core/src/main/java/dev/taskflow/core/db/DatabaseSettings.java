package dev.taskflow.core.db;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;

import java.net.URI;

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

  /**
   * The same database as a JDBC URL, for Flyway: host, port, database and query parameters (sslmode and the like)
   * as given; the credentials travel separately.
   */
  public String jdbcUrl() {
    if (embedded()) {
      throw new IllegalStateException("db.url is not set");
    }
    URI uri = URI.create(url.trim());
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    return "jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query;
  }
}
