package dev.taskflow.api.push;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.http.Problem;
import dev.taskflow.core.push.P256;
import dev.taskflow.core.push.PushSettings;
import dev.taskflow.core.push.VapidKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

import static dev.taskflow.api.http.Responses.body;
import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.noContent;
import static dev.taskflow.api.http.Responses.respond;

/**
 * {@code /push}: the VAPID public key browsers subscribe with, and a user's push subscriptions (one per device). The
 * notifier pushes fired reminders to them ({@code PushVerticle}). An endpoint must be an https URL of a public address
 * unless its host is in {@code push.insecure.hosts} ({@link PushSettings#endpoint}); the keys must be what a browser
 * makes (a P-256 point, a 16-byte secret), so the notifier never holds a subscription it cannot encrypt for.
 */
public final class PushHandlers {

  private static final int MAX_USER_AGENT = 200;
  private static final int AUTH_BYTES = 16;

  private final PushRepository subscriptions;
  private final PushSettings settings;
  private final Future<VapidKeys> keys;

  /** Reads (or on a fresh data directory makes) the VAPID key pair on a worker, once ({@link VapidKeys#load}). */
  public PushHandlers(Vertx vertx, PushRepository subscriptions, PushSettings settings, JsonObject config) {
    this.subscriptions = subscriptions;
    this.settings = settings;
    this.keys = vertx.executeBlocking(() -> VapidKeys.load(config));
  }

  public void getVapidPublicKey(RoutingContext ctx) {
    respond(ctx, keys.compose(pair -> json(ctx, 200, new JsonObject().put("publicKey", pair.publicKeyBase64Url()))));
  }

  public void createSubscription(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String endpoint;
    try {
      endpoint = settings.endpoint(body.getString("endpoint")).toString();
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage());
    }
    JsonObject keys = body.getJsonObject("keys");
    String p256dh = p256dh(keys.getString("p256dh"));
    String auth = auth(keys.getString("auth"));
    String userAgent = ctx.request().getHeader(HttpHeaders.USER_AGENT);
    if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
      userAgent = userAgent.substring(0, MAX_USER_AGENT);
    }
    respond(ctx, subscriptions.upsert(CurrentUser.id(ctx), endpoint, p256dh, auth, userAgent).compose(stored -> {
      ctx.response().putHeader(HttpHeaders.LOCATION,
        "/api/v1/push/subscriptions/" + stored.subscription().getString("id"));
      return json(ctx, stored.created() ? 201 : 200, stored.subscription());
    }));
  }

  public void listSubscriptions(RoutingContext ctx) {
    respond(ctx, subscriptions.list(CurrentUser.id(ctx))
      .compose(items -> json(ctx, 200, new JsonObject().put("items", items))));
  }

  public void deleteSubscription(RoutingContext ctx) {
    respond(ctx, subscriptions.delete(CurrentUser.id(ctx), subscriptionId(ctx)).compose(v -> noContent(ctx)));
  }

  private static UUID subscriptionId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("id must be a UUID.");
    }
  }

  /** The browser's ECDH public key, as PushSubscription gives it; answered in the unpadded form. */
  static String p256dh(String text) {
    try {
      return P256.base64Url(P256.uncompressed(P256.publicKey(P256.fromBase64Url(text))));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("keys.p256dh must be the browser's P-256 public key, base64url: " + e.getMessage() + ".");
    }
  }

  static String auth(String text) {
    byte[] secret;
    try {
      secret = P256.fromBase64Url(text);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("keys.auth must be base64url: " + e.getMessage() + ".");
    }
    if (secret.length != AUTH_BYTES) {
      throw Problem.badRequest("keys.auth must be the subscription's 16-byte secret, base64url; this is "
        + secret.length + " bytes.");
    }
    return P256.base64Url(secret);
  }
}
