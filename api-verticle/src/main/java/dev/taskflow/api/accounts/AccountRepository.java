package dev.taskflow.api.accounts;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

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

  private static final String INSERT_EXTERNAL = """
    INSERT INTO users (id, email, display_name, external_subject)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (id) DO NOTHING
    """;

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
