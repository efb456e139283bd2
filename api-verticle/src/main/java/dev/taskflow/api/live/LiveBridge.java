package dev.taskflow.api.live;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.core.auth.TokenAuth;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The SockJS event-bus bridge at {@code /eventbus/*}, through which browsers follow their own user's changes, and
 * those of the projects shared with them, live.
 *
 * <p>Outbound only, and only on {@code tasks.user.<id>}, {@code notifications.user.<id>} and
 * {@code tasks.project.<id>} (see {@link FanOut} for what goes where); nothing inbound (no send, no publish). A
 * {@code register} frame must carry {@code Authorization: Bearer <jwt>} in its headers, and the address must be the
 * token's own user's, or a project's that the user is a member of (any role; asked of {@code project_members} at each
 * register, as membership changes while tokens live); anything else is refused ({@code access_denied} or
 * {@code rejected}; a register whose {@code headers} is not an object gets {@code invalid_headers} first).
 * Deliveries stop when the token that opened them expires: the socket is closed and the client reconnects with a
 * fresh one. When a session is revoked (logout, log out everywhere, a password change, account deletion; published
 * on {@code sessions.revoked}), every socket registered with one of its tokens is closed at once, on every API
 * instance, and a register with its tokens is refused from then on ({@link CurrentUser} checks the session; a
 * register whose check passed just before the revocation is refused too, as the bridge remembers revoked sessions
 * for two minutes).
 *
 * <p>A user who loses access to a project (removed from it, or the project deleted; the projects API publishes
 * {@code {projectId, userIds}} on {@code projects.access.revoked} after its commit, heard on every API instance) has
 * every socket that registered on that project's address closed at once, after an {@code err} frame
 * {@code project_access_revoked}: the client reconnects and registers its current projects only. The bridge
 * remembers revoked (user, project) pairs for two minutes, and refuses a register whose membership check read the row
 * before its deletion committed (a membership no newer than the revocation), so a re-added member is not kept out.
 * The events say so too, and they do not depend on that message arriving: a socket that is delivered the
 * {@code taskflow.project.member.removed} of its own user, or a {@code taskflow.project.deleted} naming its user among
 * the members (not the project's account), of a project it follows, gets that event and then the same close; an
 * event from before the membership the socket follows by (a removal delivered late or again, after the user was added
 * back: its sequence is not after the membership's {@code added_seq}) closes nothing.
 *
 * <p>Limits: one user has at most {@code live.sockets.per.user} bridged sockets on this process (counted over every
 * API verticle instance, in a local shared map) — the register that would open one more is refused with
 * {@code too_many_sockets} first; frames, messages and {@code xhr_send} bodies are limited by the HTTP server and the
 * route ({@code live.message.limit}), and a socket that breaks the limit is closed ({@link BridgeSocket}). A socket
 * that sends nothing (not even the client's ping, every 15 s from the web UI, once a minute from a tab Chrome has
 * hidden for long) for {@code live.idle.timeout.seconds} is closed: a tab whose connection died without a close, or a
 * client that opened a socket and went quiet.
 *
 * <p>The bridge is Vert.x's own ({@code EventBusBridgeImpl}, which is all that {@code SockJSHandler.bridge} makes),
 * given each socket through {@link BridgeSocket}, so that an ordinary disconnect is not logged as an error. Its own
 * idle check is kept out of the way (a ping timeout of a day): it casts the socket to its internal
 * {@code SockJSSocketBase}, which a {@link BridgeSocket} is not, so it threw (an ERROR with a stack trace each time a
 * socket went ten seconds without a ping) and never closed anything; the idle check here replaces it.
 */
public final class LiveBridge {

  private static final Logger LOG = LoggerFactory.getLogger(LiveBridge.class);
  private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final String USER_ADDRESS = "\\.user\\." + UUID_PATTERN;
  private static final String PROJECT_ADDRESS = "tasks\\.project\\." + UUID_PATTERN;
  private static final String PROJECT_ACCESS_REVOKED = "project_access_revoked";
  private static final String ACCESS_REVOKED_MESSAGE = "you are no longer a member of this project";
  /** When the user joined the project, if they are a member. */
  private static final String MEMBERSHIP = """
    SELECT added_at, added_seq FROM project_members WHERE project_id = $1 AND user_id = $2""";
  /** Per user id, that user's bridged sockets on this process; shared by the API verticle instances. */
  static final String SOCKETS_MAP = "taskflow.live.sockets";
  /** The bridge's own ping timeout, long enough never to fire (see the class comment). */
  private static final long BRIDGE_PING_TIMEOUT_MS = TimeUnit.DAYS.toMillis(1);

  /** What is known of one open socket: whose it is once a register was accepted, and when its newest token expires. */
  private static final class SocketState {
    UUID user;
    /** The sessions of the tokens its registers were accepted with (usually one). */
    final java.util.Set<UUID> sessions = new java.util.HashSet<>();
    /** Epoch seconds; 0 until a register was accepted. */
    long expiresAt;
    /**
     * The projects whose address a register of this socket was accepted on, each with the membership's
     * {@code added_seq} (the sequence of the event that added the user, under the project's account).
     */
    final Map<UUID, Long> projects = new HashMap<>();
    /** When the client last sent a frame (a ping, a register...), {@link System#nanoTime()}. */
    long lastHeard = System.nanoTime();
  }

  /** A user's access to one project, as remembered after its revocation. */
  private record ProjectAccess(UUID user, UUID project) {
  }

  /**
   * What a register may listen to: its own addresses ({@code project} null), a project's ({@code memberSince} when the
   * user joined it, epoch ms, and {@code addedSeq}, the sequence of the event that added them), or nothing
   * ({@code allowed} false).
   */
  private record Listening(boolean allowed, UUID project, long memberSince, long addedSeq) {

    static final Listening OWN = new Listening(true, null, 0, 0);
    static final Listening DENIED = new Listening(false, null, 0, 0);
  }

  private final TokenAuth tokens;
  private final CurrentUser users;
  private final Pool pool;
  private final int socketsPerUser;
  private final long idleTimeoutNanos;
  private LocalMap<String, Integer> socketsOfUser;
  /** How long a revoked session is remembered here, so a register whose check raced its revocation is refused. */
  static final long REVOKED_MEMORY_MS = 120_000;
  /** Sessions revoked lately (to when they are remembered, epoch ms); touched only on this verticle's event loop. */
  private final Map<UUID, Long> recentlyRevoked = new HashMap<>();
  /** Project access revoked lately (to when the revocation was heard, epoch ms); on this verticle's event loop. */
  private final Map<ProjectAccess, Long> recentlyRevokedAccess = new HashMap<>();
  /** The open sockets of this bridge; touched only on this verticle's event loop. */
  private final Map<SockJSSocket, SocketState> sockets = new HashMap<>();

  /** {@code idleTimeout}: how long a socket may send nothing before it is closed. */
  public LiveBridge(TokenAuth tokens, CurrentUser users, Pool pool, int socketsPerUser, Duration idleTimeout) {
    this.tokens = tokens;
    this.users = users;
    this.pool = pool;
    this.socketsPerUser = socketsPerUser;
    this.idleTimeoutNanos = idleTimeout.toNanos();
  }

  public Router router(Vertx vertx) {
    socketsOfUser = vertx.sharedData().getLocalMap(SOCKETS_MAP);
    vertx.eventBus().<JsonObject>consumer(Addresses.SESSIONS_REVOKED, message -> closeRevoked(message.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.PROJECTS_ACCESS_REVOKED,
      message -> closeRevokedAccess(message.body()));
    vertx.setPeriodic(Math.max(250, TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) / 3), id -> closeIdle());
    SockJSBridgeOptions options = new SockJSBridgeOptions()
      .setPingTimeout(BRIDGE_PING_TIMEOUT_MS)
      .addOutboundPermitted(new PermittedOptions().setAddressRegex("tasks" + USER_ADDRESS))
      .addOutboundPermitted(new PermittedOptions().setAddressRegex("notifications" + USER_ADDRESS))
      .addOutboundPermitted(new PermittedOptions().setAddressRegex(PROJECT_ADDRESS));
    EventBusBridgeImpl bridge = new EventBusBridgeImpl(vertx, null, options, this::onEvent);
    return SockJSHandler.create(vertx, new SockJSHandlerOptions())
      .socketHandler(socket -> bridge.handle(new BridgeSocket(socket)));
  }

  private void onEvent(BridgeEvent event) {
    try {
      heard(event);
      switch (event.type()) {
        case SOCKET_CREATED -> {
          sockets.put(event.socket(), new SocketState());
          event.complete(true);
        }
        case REGISTER -> authorize(event);
        case RECEIVE -> deliver(event);
        case SEND, PUBLISH -> event.complete(false);
        case SOCKET_CLOSED -> {
          release(sockets.remove(event.socket()));
          event.complete(true);
        }
        default -> event.complete(true);
      }
    } catch (RuntimeException e) {
      // a frame nobody foresaw: refuse it rather than leave it unanswered
      LOG.warn("Bridge: {} frame refused: {}", event.type(), e.toString());
      event.tryComplete(false);
    }
  }

  /** Notes when the client of the event's socket last sent a frame; a delivery to it is not one. */
  private void heard(BridgeEvent event) {
    switch (event.type()) {
      case SOCKET_PING, REGISTER, UNREGISTER, SEND, PUBLISH -> {
        SocketState state = sockets.get(event.socket());
        if (state != null) {
          state.lastHeard = System.nanoTime();
        }
      }
      default -> {
      }
    }
  }

  /** Closes the sockets whose client sent nothing for the idle timeout; their close releases them as any close. */
  private void closeIdle() {
    long now = System.nanoTime();
    List<SockJSSocket> idle = sockets.entrySet().stream()
      .filter(entry -> now - entry.getValue().lastHeard > idleTimeoutNanos).map(Map.Entry::getKey).toList();
    for (SockJSSocket socket : idle) {
      SocketState state = sockets.get(socket);
      LOG.info("Bridge: socket of user {} from {} closed, nothing heard from it for {} s", state.user,
        socket.remoteAddress(), TimeUnit.NANOSECONDS.toSeconds(now - state.lastHeard));
      state.lastHeard = now; // one close and one line, even if the transport is slow to report it closed
      socket.close();
    }
  }

  private void authorize(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    Object address = frame == null ? null : frame.getValue("address");
    Object headers = frame == null ? null : frame.getValue("headers");
    if (headers != null && !(headers instanceof JsonObject)) {
      refuse(event, "invalid_headers", "headers must be an object carrying Authorization: Bearer <token>");
      return;
    }
    Object authorization = headers == null ? null : ((JsonObject) headers).getValue("Authorization");
    if (!(address instanceof String wanted) || !(authorization instanceof String bearer)
      || !bearer.regionMatches(true, 0, "Bearer ", 0, 7)) {
      event.complete(false);
      return;
    }
    tokens.authenticate(new TokenCredentials(bearer.substring(7).trim()))
      .compose(user -> users.userId(user)
        .compose(id -> mayListen(id, wanted).map(listening -> accept(event, user, id, wanted, listening))))
      .recover(e -> {
        LOG.debug("Bridge: register on {} refused: {}", wanted, e.toString());
        return Future.succeededFuture(false);
      })
      .onSuccess(event::complete);
  }

  /** Whether the register of the token's {@code user} (its id {@code id}) is accepted, all checks but the token's. */
  private boolean accept(BridgeEvent event, User user, UUID id, String wanted, Listening listening) {
    if (!listening.allowed()) {
      if (listening.project() == null) {
        LOG.warn("Bridge: user {} may not listen on {}", id, wanted);
      } else {
        // a tab that missed the removal (it was offline) asks again: ordinary, not an attack
        LOG.info("Bridge: user {} is not a member of project {}; register refused", id, listening.project());
      }
      return false;
    }
    SocketState state = sockets.get(event.socket());
    if (state == null) {
      return false; // closed while the token was checked
    }
    UUID session = CurrentUser.sessionOf(user);
    if (session != null && revokedLately(session)) {
      // its check passed before the revocation, which came here while the token was checked
      LOG.info("Bridge: register of user {} refused, its session {} was just revoked", id, session);
      explain(event.socket(), "session_revoked", "this session was signed out");
      return false;
    }
    if (listening.project() != null && accessRevokedSince(id, listening)) {
      // its membership check read the row before the removal committed, and the revocation came here meanwhile
      LOG.info("Bridge: register of user {} on project {} refused, their access was just revoked", id,
        listening.project());
      explain(event.socket(), PROJECT_ACCESS_REVOKED, ACCESS_REVOKED_MESSAGE);
      return false;
    }
    if (!admit(state, id)) {
      explain(event.socket(), "too_many_sockets", "this user has " + socketsPerUser + " live connections to this "
        + "server already; close one (another tab) first");
      return false;
    }
    state.expiresAt = Math.max(state.expiresAt, TokenAuth.expiresAt(user));
    if (session != null) {
      state.sessions.add(session);
    }
    if (listening.project() != null) {
      state.projects.put(listening.project(), listening.addedSeq());
    }
    return true;
  }

  /** Counts the socket for its user on its first accepted register, unless the user has the most sockets allowed. */
  private boolean admit(SocketState state, UUID userId) {
    if (state.user != null) {
      return state.user.equals(userId);
    }
    boolean[] admitted = {false};
    socketsOfUser.compute(userId.toString(), (key, open) -> {
      int count = open == null ? 0 : open;
      if (count >= socketsPerUser) {
        return open;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (admitted[0]) {
      state.user = userId;
    } else {
      LOG.warn("Bridge: user {} already has {} live sockets on this process; one more refused", userId,
        socketsPerUser);
    }
    return admitted[0];
  }

  private void release(SocketState state) {
    if (state != null && state.user != null) {
      socketsOfUser.computeIfPresent(state.user.toString(), (key, open) -> open <= 1 ? null : open - 1);
    }
  }

  /** An {@code err} frame that says why, then the bridge's own refusal ({@code rejected}). */
  private static void refuse(BridgeEvent event, String code, String message) {
    explain(event.socket(), code, message);
    event.complete(false);
  }

  private static void explain(SockJSSocket socket, String code, String message) {
    socket.write(errFrame(code, message));
  }

  /** The {@code err} frame that says why, then the close, in that order (see {@link BridgeSocket#writeThenClose}). */
  private static void explainAndClose(SockJSSocket socket, String code, String message) {
    if (socket instanceof BridgeSocket bridged) {
      bridged.writeThenClose(errFrame(code, message));
    } else {
      explain(socket, code, message);
      socket.close();
    }
  }

  private static io.vertx.core.buffer.Buffer errFrame(String code, String message) {
    return new JsonObject().put("type", "err").put("body", code).put("message", message).toBuffer();
  }

  private void deliver(BridgeEvent event) {
    SocketState state = sockets.get(event.socket());
    if (state != null && state.expiresAt > 0 && state.expiresAt <= System.currentTimeMillis() / 1000) {
      event.complete(false);
      event.socket().close();
      return;
    }
    UUID lost = state == null || state.projects.isEmpty() ? null : projectLost(state, event.getRawMessage());
    event.complete(true);
    if (lost != null) {
      revokeAccess(lost, Set.of(state.user));
    }
  }

  /**
   * The project that this event, delivered to the socket's user, says they lost: their own removal from a project the
   * socket follows, or its deletion while they were a member (not its account); null for any other event, and for one
   * older than the membership the socket follows by (a removal before a re-addition, delivered late or again).
   */
  private static UUID projectLost(SocketState state, JsonObject frame) {
    UUID user = state.user;
    if (user == null || frame == null || !(frame.getValue("body") instanceof JsonObject body)) {
      return null;
    }
    try {
      String type = body.getString("type");
      JsonObject data = body.getJsonObject("data");
      boolean lost = EventTypes.PROJECT_MEMBER_REMOVED.equals(type)
        ? user.toString().equals(data.getJsonObject("member").getString("userId"))
        : EventTypes.PROJECT_DELETED.equals(type) && !user.toString().equals(body.getString("userid"))
          && data.getJsonArray("memberIds", new io.vertx.core.json.JsonArray()).contains(user.toString());
      if (!lost) {
        return null;
      }
      UUID project = UUID.fromString(data.getJsonObject("project").getString("id"));
      Long since = state.projects.get(project);
      return since != null && body.getLong("sequence", Long.MAX_VALUE) > since ? project : null;
    } catch (RuntimeException e) {
      return null; // not an event of the contract's shape: not one that says anything about access
    }
  }

  private boolean revokedLately(UUID session) {
    Long until = recentlyRevoked.get(session);
    return until != null && until > System.currentTimeMillis();
  }

  /** Closes this bridge's sockets of the revoked sessions, and remembers the sessions a while (see authorize). */
  private void closeRevoked(JsonObject revoked) {
    java.util.Set<UUID> ended = new java.util.HashSet<>();
    revoked.getJsonArray("sessions", new io.vertx.core.json.JsonArray())
      .forEach(id -> ended.add(UUID.fromString((String) id)));
    long now = System.currentTimeMillis();
    recentlyRevoked.values().removeIf(until -> until <= now);
    ended.forEach(id -> recentlyRevoked.put(id, now + REVOKED_MEMORY_MS));
    sockets.entrySet().stream()
      .filter(entry -> entry.getValue().sessions.stream().anyMatch(ended::contains))
      .map(Map.Entry::getKey)
      .toList()
      .forEach(socket -> {
        LOG.info("Bridge: socket of user {} closed, its session was revoked", revoked.getString("userId"));
        explainAndClose(socket, "session_revoked", "this session was signed out");
      });
  }

  /**
   * Whether the user's access to the project was revoked lately, after they joined it: a membership no newer than a
   * revocation heard here is the row as it was before the removal committed. (A member re-added since has a newer
   * {@code added_at}; the database's clock and this one's are assumed to agree within the time a removal takes.)
   */
  private boolean accessRevokedSince(UUID userId, Listening listening) {
    Long heard = recentlyRevokedAccess.get(new ProjectAccess(userId, listening.project()));
    long now = System.currentTimeMillis();
    return heard != null && heard + REVOKED_MEMORY_MS > now && listening.memberSince() <= heard;
  }

  /**
   * Closes this bridge's sockets of the users who lost access to the project that registered on its address (after an
   * {@code err} frame saying so), and remembers the pairs a while (see accept).
   */
  private void closeRevokedAccess(JsonObject revoked) {
    UUID project;
    Set<UUID> users = new HashSet<>();
    try {
      project = UUID.fromString(revoked.getString("projectId"));
      revoked.getJsonArray("userIds", new io.vertx.core.json.JsonArray())
        .forEach(id -> users.add(UUID.fromString((String) id)));
    } catch (RuntimeException e) {
      LOG.warn("Bridge: {} message ignored, not {{projectId, userIds}}: {}", Addresses.PROJECTS_ACCESS_REVOKED,
        revoked);
      return;
    }
    revokeAccess(project, users);
  }

  /** Closes this bridge's sockets of these users that follow the project, and remembers the pairs a while. */
  private void revokeAccess(UUID project, Set<UUID> users) {
    long now = System.currentTimeMillis();
    recentlyRevokedAccess.values().removeIf(heard -> heard + REVOKED_MEMORY_MS <= now);
    users.forEach(user -> recentlyRevokedAccess.put(new ProjectAccess(user, project), now));
    sockets.entrySet().stream()
      .filter(entry -> entry.getValue().user != null && users.contains(entry.getValue().user)
        && entry.getValue().projects.containsKey(project))
      .toList()
      .forEach(ended -> {
        // told once: the same removal on the user's own address, or its message, finds nothing more to close
        ended.getValue().projects.remove(project);
        LOG.info("Bridge: socket of user {} closed, their access to project {} was revoked", ended.getValue().user,
          project);
        explainAndClose(ended.getKey(), PROJECT_ACCESS_REVOKED, ACCESS_REVOKED_MESSAGE);
      });
  }

  /** The user's own addresses without a look-up; a project's address iff they are a member (one indexed read). */
  private Future<Listening> mayListen(UUID userId, String address) {
    if (address.equals(Addresses.tasksOf(userId)) || address.equals(Addresses.notificationsOf(userId))) {
      return Future.succeededFuture(Listening.OWN);
    }
    UUID project = projectOf(address);
    if (project == null) {
      return Future.succeededFuture(Listening.DENIED);
    }
    return pool.preparedQuery(MEMBERSHIP).execute(Tuple.of(project, userId)).map(rows -> {
      RowIterator<Row> found = rows.iterator();
      return found.hasNext()
        ? listening(project, found.next())
        : new Listening(false, project, 0, 0);
    });
  }

  private static Listening listening(UUID project, Row membership) {
    return new Listening(true, project, membership.getOffsetDateTime("added_at").toInstant().toEpochMilli(),
      membership.getLong("added_seq"));
  }

  /** The project of a {@code tasks.project.<id>} address, or null for any other address. */
  private static UUID projectOf(String address) {
    if (!address.matches(PROJECT_ADDRESS)) {
      return null;
    }
    UUID project = UUID.fromString(address.substring(address.lastIndexOf('.') + 1));
    return address.equals(Addresses.tasksOfProject(project)) ? project : null;
  }
}
