package dev.taskflow.api.sessions;

import dev.taskflow.core.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The {@code sessions} and {@code refresh_tokens} tables. A refresh token is 32 random bytes (base64url), stored only
 * as its SHA-256 hash; a session is its family. Revoking a session deletes its row (and so its tokens): its access
 * tokens fail the {@link #check} at once, its refresh tokens are unknown from then on.
 */
public final class SessionRepository {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int LABEL_LIMIT = 200;

  /** A new refresh token of a session. */
  public record Issued(UUID userId, UUID sessionId, String refreshToken, OffsetDateTime expiresAt) {
  }

  /** What a presented refresh token turned out to be. */
  public sealed interface Renewal {
  }

  /** Rotated: the presented token is spent, this is the new one. */
  public record Rotated(Issued issued) implements Renewal {
  }

  /** Unknown (never issued, or its session was revoked) or expired. */
  public record Refused() implements Renewal {
  }

  /**
   * Spent within the last {@code auth.refresh.reuse.grace.seconds} and its successor not used yet: most likely two
   * tabs renewed with one cookie at once. Refused, but the session stays (the other tab holds the successor).
   */
  public record Raced(UUID userId, UUID sessionId) implements Renewal {
  }

  /** Spent already: presented a second time, so someone else has it; its whole session was revoked. */
  public record Reused(UUID userId, UUID sessionId) implements Renewal {
  }

  /** The state of an access token's session. */
  public enum Check { NO_ACCOUNT, REVOKED, ACTIVE }

  private final Pool pool;
  private final SessionSettings settings;

  public SessionRepository(Pool pool, SessionSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  public SessionSettings settings() {
    return settings;
  }

  /**
   * Opens a session for a sign-in: its first refresh token, after ending the user's expired sessions and, past
   * {@code auth.sessions.max.per.user}, the least recently used ones.
   *
   * @return the issued token, and the ids of the sessions it ended to make room (for their live sockets)
   */
  public Future<Opened> open(UUID userId, String userAgent) {
    UUID sessionId = UUID.randomUUID();
    String token = newToken();
    OffsetDateTime expiresAt = expiry();
    String label = label(userAgent);
    return Transactions.retrying(pool, tx -> tx.preparedQuery(SessionSql.DELETE_EXPIRED).execute(Tuple.of(userId))
      .compose(v -> tx.preparedQuery(SessionSql.INSERT_SESSION).execute(Tuple.of(sessionId, userId, label, expiresAt)))
      .compose(v -> tx.preparedQuery(SessionSql.INSERT_TOKEN).execute(Tuple.of(hash(token), sessionId, expiresAt)))
      .compose(v -> tx.preparedQuery(SessionSql.DELETE_BEYOND)
        .execute(Tuple.of(userId, settings.maxPerUser() - 1, sessionId)))
      .map(ended -> new Opened(new Issued(userId, sessionId, token, expiresAt), ids(ended))));
  }

  /** A new session and the sessions ended to make room for it. */
  public record Opened(Issued issued, List<UUID> ended) {
  }

  /**
   * Spends a refresh token and answers its successor; a spent one revokes its session instead, unless it was spent
   * within the grace window and its successor is still unused ({@link Raced}: refused, the session stays). A plain
   * refusal and not the successor again: whoever presents a just-spent token gets nothing from it, and a real thief
   * racing the owner is caught as soon as either of them renews with a token already spent outside the window.
   */
  public Future<Renewal> renew(String token) {
    Buffer presented = hash(token);
    return Transactions.retrying(pool, tx -> tx.preparedQuery(SessionSql.LOCK_SESSION).execute(Tuple.of(presented))
      .compose(locked -> tx.preparedQuery(SessionSql.TOKEN)
        .execute(Tuple.of(presented, (double) settings.reuseGraceSeconds())))
      .compose(rows -> {
        if (rows.rowCount() == 0) {
          return Future.succeededFuture(new Refused());
        }
        Row row = rows.iterator().next();
        UUID sessionId = row.getUUID("session_id");
        UUID userId = row.getUUID("user_id");
        if (row.getOffsetDateTime("spent_at") != null) {
          if (row.getBoolean("latest") && row.getBoolean("in_grace")) {
            return Future.succeededFuture(new Raced(userId, sessionId));
          }
          return tx.preparedQuery(SessionSql.DELETE_FAMILY).execute(Tuple.of(sessionId))
            .map(new Reused(userId, sessionId));
        }
        if (!row.getOffsetDateTime("expires_at").isAfter(OffsetDateTime.now(ZoneOffset.UTC))) {
          return Future.succeededFuture(new Refused());
        }
        return rotate(tx, presented, userId, sessionId);
      }));
  }

  private Future<Renewal> rotate(SqlClient tx, Buffer presented, UUID userId, UUID sessionId) {
    String next = newToken();
    OffsetDateTime expiresAt = expiry();
    return tx.preparedQuery(SessionSql.SPEND).execute(Tuple.of(presented))
      .compose(v -> tx.preparedQuery(SessionSql.INSERT_TOKEN).execute(Tuple.of(hash(next), sessionId, expiresAt)))
      .compose(v -> tx.preparedQuery(SessionSql.TOUCH).execute(Tuple.of(sessionId, expiresAt)))
      .compose(v -> tx.preparedQuery(SessionSql.PRUNE_TOKENS).execute(Tuple.of(sessionId)))
      .map(v -> new Rotated(new Issued(userId, sessionId, next, expiresAt)));
  }

  /** The user's signed-in sessions, most recently used first; {@code current} marks the caller's own. */
  public Future<JsonArray> list(UUID userId, UUID current) {
    return pool.preparedQuery(SessionSql.LIST).execute(Tuple.of(userId)).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(row -> items.add(new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("label", row.getString("label"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("lastUsedAt", row.getOffsetDateTime("last_used_at").toInstant().toString())
        .put("expiresAt", row.getOffsetDateTime("expires_at").toInstant().toString())
        .put("current", row.getUUID("id").equals(current))));
      return items;
    });
  }

  /** Ends one of the user's sessions; false when the user has no such session. */
  public Future<Boolean> revoke(UUID userId, UUID sessionId) {
    return pool.preparedQuery(SessionSql.DELETE_ONE).execute(Tuple.of(sessionId, userId))
      .map(rows -> rows.rowCount() > 0);
  }

  /** Ends every session of the user; answers their ids. */
  public Future<List<UUID>> revokeAll(SqlClient client, UUID userId) {
    return client.preparedQuery(SessionSql.DELETE_ALL).execute(Tuple.of(userId)).map(SessionRepository::ids);
  }

  public Future<List<UUID>> revokeAll(UUID userId) {
    return revokeAll(pool, userId);
  }

  /** Ends every session of the user but {@code keep} (all of them when it is null); answers their ids. */
  public Future<List<UUID>> revokeOthers(SqlClient client, UUID userId, UUID keep) {
    return keep == null ? revokeAll(client, userId)
      : client.preparedQuery(SessionSql.DELETE_OTHERS).execute(Tuple.of(userId, keep)).map(SessionRepository::ids);
  }

  /** Whether the account exists and, when the token names a session, that the session is still signed in. */
  public Future<Check> check(UUID userId, UUID sessionId) {
    return pool.preparedQuery(SessionSql.CHECK).execute(Tuple.of(userId, sessionId)).map(rows -> {
      if (rows.rowCount() == 0) {
        return Check.NO_ACCOUNT;
      }
      return sessionId == null || rows.iterator().next().getBoolean("active") ? Check.ACTIVE : Check.REVOKED;
    });
  }

  private OffsetDateTime expiry() {
    return OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(settings.refreshTtlSeconds());
  }

  private static List<UUID> ids(RowSet<Row> rows) {
    List<UUID> ids = new ArrayList<>();
    rows.forEach(row -> ids.add(row.getUUID("id")));
    return ids;
  }

  private static String label(String userAgent) {
    String label = userAgent == null || userAgent.isBlank() ? "unknown device" : userAgent.strip();
    label = label.replaceAll("\\p{Cntrl}", "");
    return label.length() > LABEL_LIMIT ? label.substring(0, LABEL_LIMIT) : label;
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static Buffer hash(String token) {
    try {
      return Buffer.buffer(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
