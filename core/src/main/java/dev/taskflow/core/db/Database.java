package dev.taskflow.core.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/** The PostgreSQL pool and the schema migrations. */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private Database() {
  }

  private static final AtomicInteger POOLS = new AtomicInteger();

  /** A pool for one verticle; close it in the verticle's {@code stop}. Its name (for metrics) is unique. */
  public static Pool pool(Vertx vertx, DatabaseSettings settings) {
    return PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(settings.poolSize()).setName("taskflow-" + POOLS.incrementAndGet()))
      .connectingTo(settings.connectOptions())
      .using(vertx)
      .build();
  }

  /**
   * Applies the Flyway migrations under {@code db/migration}, blocking the calling thread: call it from {@code main}
   * before deploying, or from a worker, never from an event loop. Safe from several processes at once (Flyway takes
   * an advisory lock).
   */
  public static void migrateNow(DatabaseSettings settings) {
    var options = settings.connectOptions();
    Flyway flyway = Flyway.configure()
      .dataSource(settings.jdbcUrl(), options.getUser(), options.getPassword())
      .locations("classpath:db/migration")
      .load();
    MigrateResult result = flyway.migrate();
    LOG.info("Database schema at version {} ({} migrations applied now)", flyway.info().current().getVersion(),
      result.migrationsExecuted);
  }
}
