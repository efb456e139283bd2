package dev.taskflow.api.accounts;

import dev.taskflow.core.db.Transactions;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.api.projects.ProjectRepository;
import dev.taskflow.core.outbox.OutboxWriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The {@code users} table. */
public final class AccountRepository {

  private static final String INSERT = """
    INSERT INTO users (id, email, password_hash, display_name)
    VALUES ($1, $2, $3, $4)
    RETURNING id, email, display_name, created_at
    """;

  private static final String BY_EMAIL = """
    SELECT id, email, display_name, created_at, password_hash FROM users WHERE lower(email) = lower($1)
    """;

  private static final String BY_ID = """
    SELECT id, email, display_name, created_at FROM users WHERE id = $1
    """;

  private static final String CREDENTIALS_BY_ID = """
    SELECT id, email, display_name, created_at, password_hash FROM users WHERE id = $1
    """;

  /** A null parameter keeps the column as it is. */
  private static final String UPDATE_PROFILE = """
    UPDATE users SET display_name = coalesce($2, display_name), email = coalesce($3, email) WHERE id = $1
    RETURNING id, email, display_name, created_at
    """;

  private static final String UPDATE_PASSWORD = "UPDATE users SET password_hash = $2 WHERE id = $1";

  private static final String PASSWORD_BY_EMAIL = """
    UPDATE users SET password_hash = $2 WHERE lower(email) = lower($1) AND password_hash IS NOT NULL RETURNING id
    """;

  /** Events of the user not yet pruned: their snapshots are the user's data, and nobody needs them any more. */
  private static final String DELETE_OUTBOX = "DELETE FROM outbox WHERE user_id = $1";

  /** Tasks, series, reminders, webhooks (with their deliveries) and sessions go with it (ON DELETE CASCADE). */
  private static final String DELETE_USER = "DELETE FROM users WHERE id = $1";

  private static final String SESSIONS_OF = "SELECT id FROM sessions WHERE user_id = $1";

  private static final String INSERT_EXTERNAL = """
    INSERT INTO users (id, email, display_name, external_subject)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (id) DO NOTHING
    """;

  /** First in a deletion: a sign-in opening a session meanwhile waits, so no session escapes the list ended. */
  private static final String LOCK_USER = "SELECT id FROM users WHERE id = $1 FOR UPDATE";

  /**
   * An account's deletion locks its projects before its row, in the order their writers take them (the project, then
   * the account's row for the outbox: see ProjectSql), so that it never waits for them in a cycle.
   */
  private static final String LOCK_PROJECTS = "SELECT id FROM projects WHERE user_id = $1 ORDER BY id FOR UPDATE";

  /** Thrown by {@link #create} when the e-mail is taken. */
  public static final class EmailTaken extends RuntimeException {
    EmailTaken() {
      super(null, null, false, false);
    }
  }

  /** An account with its password hash, for login. */
  public record Credentials(Account account, String passwordHash) {
  }

  private final Pool pool;

  public AccountRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Account> create(String email, String passwordHash, String displayName) {
    return pool.preparedQuery(INSERT)
      .execute(Tuple.of(UUID.randomUUID(), email, passwordHash, displayName))
      .map(rows -> Account.from(rows.iterator().next()))
      .recover(e -> Future.failedFuture(isUniqueViolation(e) ? new EmailTaken() : e));
  }

  public Future<Optional<Credentials>> findByEmail(String email) {
    return pool.preparedQuery(BY_EMAIL).execute(Tuple.of(email)).map(rows -> {
      if (rows.rowCount() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new Credentials(Account.from(row), row.getString("password_hash")));
    });
  }

  public Future<Optional<Credentials>> credentials(UUID id) {
    return pool.preparedQuery(CREDENTIALS_BY_ID).execute(Tuple.of(id)).map(rows -> {
      if (rows.rowCount() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new Credentials(Account.from(row), row.getString("password_hash")));
    });
  }

  /** Changes the display name and/or the e-mail (null: unchanged); {@link EmailTaken} when the e-mail is someone's. */
  public Future<Account> updateProfile(UUID id, String displayName, String email) {
    return pool.preparedQuery(UPDATE_PROFILE).execute(Tuple.of(id, displayName, email))
      .map(rows -> Account.from(rows.iterator().next()))
      .recover(e -> Future.failedFuture(isUniqueViolation(e) ? new EmailTaken() : e));
  }

  /** Runs {@code work} in one transaction (a password change with the end of sessions it implies). */
  public <T> Future<T> inTransaction(java.util.function.Function<SqlClient, Future<T>> work) {
    return Transactions.retrying(pool, work::apply);
  }

  public Future<Void> setPassword(SqlClient client, UUID id, String passwordHash) {
    return client.preparedQuery(UPDATE_PASSWORD).execute(Tuple.of(id, passwordHash)).mapEmpty();
  }

  /** The operator's reset: the new hash for the local account with this e-mail; empty when there is none. */
  public Future<Optional<UUID>> setPasswordByEmail(SqlClient client, String email, String passwordHash) {
    return client.preparedQuery(PASSWORD_BY_EMAIL).execute(Tuple.of(email, passwordHash))
      .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID("id")));
  }

  /**
   * Deletes the account and everything of it in one transaction, with {@code taskflow.account.deleted} in the outbox
   * (its only event left there), so the other services hear of it once the deletion has committed.
   *
   * @return the ids of the sessions that ended with it
   */
  public Future<Deleted> delete(UUID id, OutboxWriter outbox) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(LOCK_PROJECTS).execute(Tuple.of(id))
      .compose(locked -> tx.preparedQuery(LOCK_USER).execute(Tuple.of(id)))
      .compose(locked -> tx.preparedQuery(SESSIONS_OF).execute(Tuple.of(id)))
      .compose(sessions -> tx.preparedQuery(DELETE_OUTBOX).execute(Tuple.of(id))
        .compose(v -> ProjectRepository.beforeAccountDeletion(tx, outbox, id))
        .compose(revoked -> outbox.append(tx, id, EventTypes.ACCOUNT_DELETED, id.toString(), null,
            new JsonObject().put("userId", id.toString()).put("deletedAt", Instant.now().toString()))
          .compose(v -> tx.preparedQuery(DELETE_USER).execute(Tuple.of(id)))
          .map(v -> {
            java.util.List<UUID> ids = new java.util.ArrayList<>();
            sessions.forEach(row -> ids.add(row.getUUID("id")));
            return new Deleted(ids, revoked);
          }))));
  }

  /** What ended with an account: its sessions, and the projects it shared, for their other members. */
  public record Deleted(java.util.List<UUID> sessions, java.util.List<ProjectRepository.Revoked> revoked) {
  }

  public Future<Optional<Account>> findById(UUID id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id))
      .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(Account.from(rows.iterator().next())));
  }

  /**
   * The account of an external issuer's subject, created on first sight. Its id is derived from issuer and subject,
   * so every process maps a subject to the same user.
   */
  public Future<UUID> ensureExternal(String issuer, String subject, String email, String displayName) {
    String externalSubject = issuer + "|" + subject;
    UUID id = UUID.nameUUIDFromBytes(externalSubject.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String name = displayName != null ? displayName : subject;
    return pool.preparedQuery(INSERT_EXTERNAL)
      .execute(Tuple.of(id, email != null ? email : externalSubject, name, externalSubject))
      // the e-mail belongs to a local account already: keep the two apart
      .recover(e -> isUniqueViolation(e)
        ? pool.preparedQuery(INSERT_EXTERNAL).execute(Tuple.of(id, externalSubject, name, externalSubject))
        : Future.failedFuture(e))
      .map(id);
  }

  private static boolean isUniqueViolation(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }
}
