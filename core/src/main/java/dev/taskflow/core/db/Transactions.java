package dev.taskflow.core.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.function.Function;

/**
 * A transaction that runs again when PostgreSQL rolled it back for a deadlock (40P01) or a serialization failure
 * (40001): the server chose it as the victim of a cycle with another writer, and the same work, run again, succeeds
 * once the other has committed (PostgreSQL's documentation: "applications should be prepared to retry"). The work is
 * all inside the transaction (its events are in the outbox, in the same transaction), so a rolled-back attempt leaves
 * nothing behind. Any other failure, and the last attempt's, is the caller's as it came.
 *
 * <p>Lock orders keep cycles rare (see {@code ProjectSql}); this covers the ones an order cannot rule out, such as two
 * accounts that share projects with each other being deleted at once.
 */
public final class Transactions {

  private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
  /** How many times one piece of work is tried in all. */
  public static final int ATTEMPTS = 3;
  private static final Set<String> RETRIED = Set.of("40P01", "40001");

  private Transactions() {
  }

  /** {@code pool.withTransaction(work)}, run again (up to {@link #ATTEMPTS} in all) when rolled back in a cycle. */
  public static <T> Future<T> retrying(Pool pool, Function<SqlConnection, Future<T>> work) {
    return attempt(pool, work, 1);
  }

  private static <T> Future<T> attempt(Pool pool, Function<SqlConnection, Future<T>> work, int attempt) {
    return pool.withTransaction(work).recover(failure -> {
      if (attempt < ATTEMPTS && failure instanceof PgException pg && RETRIED.contains(pg.getSqlState())) {
        LOG.info("Transaction rolled back ({}, {}); attempt {} of {}", pg.getSqlState(), pg.getMessage(),
          attempt + 1, ATTEMPTS);
        return attempt(pool, work, attempt + 1);
      }
      return Future.failedFuture(failure);
    });
  }
}
