package dev.taskflow.api.live;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.core.auth.TokenAuth;
import dev.taskflow.core.event.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The SockJS event-bus bridge at {@code /eventbus/*}, through which browsers follow their own user's changes live.
 *
 * <p>Outbound only, and only on {@code tasks.user.<id>} and {@code notifications.user.<id>}; nothing inbound (no send,
 * no publish). A {@code register} frame must carry {@code Authorization: Bearer <jwt>} in its headers, and the address
 * must be the token's own user's; anything else is refused ({@code access_denied}). Deliveries stop when the token
 * that opened them expires: the socket is closed and the client reconnects with a fresh one.
 */
public final class LiveBridge {

  private static final Logger LOG = LoggerFactory.getLogger(LiveBridge.class);
  private static final String USER_ADDRESS = "\\.user\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final TokenAuth tokens;
  private final CurrentUser users;
  /** When each socket's newest accepted token expires, epoch seconds; touched only on this verticle's event loop. */
  private final Map<SockJSSocket, Long> expiries = new HashMap<>();

  public LiveBridge(TokenAuth tokens, CurrentUser users) {
    this.tokens = tokens;
    this.users = users;
  }

  public Router router(Vertx vertx) {
    SockJSBridgeOptions options = new SockJSBridgeOptions()
      .addOutboundPermitted(new PermittedOptions().setAddressRegex("tasks" + USER_ADDRESS))
      .addOutboundPermitted(new PermittedOptions().setAddressRegex("notifications" + USER_ADDRESS));
    return SockJSHandler.create(vertx, new SockJSHandlerOptions()).bridge(options, this::onEvent);
  }

  private void onEvent(BridgeEvent event) {
    switch (event.type()) {
      case REGISTER -> authorize(event);
      case RECEIVE -> deliver(event);
      case SEND, PUBLISH -> event.complete(false);
      case SOCKET_CLOSED -> {
        expiries.remove(event.socket());
        event.complete(true);
      }
      default -> event.complete(true);
    }
  }

  private void authorize(BridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    String address = frame == null ? null : frame.getString("address");
    JsonObject headers = frame == null ? null : frame.getJsonObject("headers");
    String authorization = headers == null ? null : headers.getString("Authorization");
    if (address == null || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      event.complete(false);
      return;
    }
    tokens.authenticate(new TokenCredentials(authorization.substring(7).trim()))
      .compose(user -> users.userId(user).map(id -> {
        if (!mayListen(id, address)) {
          LOG.warn("Bridge: user {} may not listen on {}", id, address);
          return false;
        }
        expiries.merge(event.socket(), TokenAuth.expiresAt(user), Math::max);
        return true;
      }))
      .recover(e -> {
        LOG.debug("Bridge: register on {} refused: {}", address, e.toString());
        return Future.succeededFuture(false);
      })
      .onSuccess(event::complete);
  }

  private void deliver(BridgeEvent event) {
    Long exp = expiries.get(event.socket());
    if (exp != null && exp <= System.currentTimeMillis() / 1000) {
      event.complete(false);
      event.socket().close();
      return;
    }
    event.complete(true);
  }

  private static boolean mayListen(UUID userId, String address) {
    return address.equals(Addresses.tasksOf(userId)) || address.equals(Addresses.notificationsOf(userId));
  }
}
