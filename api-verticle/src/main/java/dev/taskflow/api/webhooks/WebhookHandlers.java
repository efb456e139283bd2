package dev.taskflow.api.webhooks;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.http.Problem;
import dev.taskflow.api.tasks.Cursor;
import dev.taskflow.api.tasks.TaskInput;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.net.EgressGuard;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import static dev.taskflow.api.http.Responses.body;
import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.noContent;
import static dev.taskflow.api.http.Responses.respond;

/**
 * {@code /webhooks}: a user's HTTP endpoints for events (by default {@code taskflow.reminder.triggered}), and what was
 * delivered to them. The notifier sends the deliveries; see its {@code WebhookSignature} for the signature header.
 * A URL whose host is a loopback, private or other internal address written out, or {@code localhost}, is refused
 * here unless {@code webhooks.allow.private} is set ({@link EgressGuard}); names are not resolved here but at each
 * delivery, where their addresses are checked.
 */
public final class WebhookHandlers {

  public static final int DEFAULT_PAGE = 50;
  public static final int MAX_PAGE = 200;

  private final WebhookRepository webhooks;
  private final EgressGuard egress;

  public WebhookHandlers(WebhookRepository webhooks, EgressGuard egress) {
    this.webhooks = webhooks;
    this.egress = egress;
  }

  public void createWebhook(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String url = url(body.getString("url"), egress);
    List<String> events = events(body.getJsonArray("events"));
    respond(ctx, webhooks.create(CurrentUser.id(ctx), url, events).compose(webhook -> {
      ctx.response().putHeader(HttpHeaders.LOCATION, "/api/v1/webhooks/" + webhook.getString("id"));
      return json(ctx, 201, webhook);
    }));
  }

  public void listWebhooks(RoutingContext ctx) {
    respond(ctx, webhooks.list(CurrentUser.id(ctx))
      .compose(list -> json(ctx, 200, new JsonObject().put("items", new JsonArray(new ArrayList<>(list))))));
  }

  public void getWebhook(RoutingContext ctx) {
    respond(ctx, webhooks.find(CurrentUser.id(ctx), webhookId(ctx)).compose(webhook -> json(ctx, 200, webhook)));
  }

  public void deleteWebhook(RoutingContext ctx) {
    respond(ctx, webhooks.delete(CurrentUser.id(ctx), webhookId(ctx)).compose(v -> noContent(ctx)));
  }

  /** Its query is checked here, like the task list's (see the contract). */
  public void listDeliveries(RoutingContext ctx) {
    Cursor after = Cursor.decode(ctx.queryParams().get("cursor"));
    int limit = TaskInput.integer("limit", ctx.queryParams().get("limit"), 1, MAX_PAGE, DEFAULT_PAGE);
    respond(ctx, webhooks.deliveries(CurrentUser.id(ctx), webhookId(ctx), after, limit).compose(page ->
      json(ctx, 200, new JsonObject().put("items", page.items()).put("nextCursor", page.nextCursor()))));
  }

  /**
   * An absolute http or https URL with a host, and no credentials or fragment, whose host the guard does not refuse as
   * written.
   */
  static String url(String text, EgressGuard egress) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw Problem.badRequest("url is not a valid URL: " + e.getReason() + ".");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw Problem.badRequest("url must be an http or https URL, such as https://example.com/hooks/taskflow; '"
        + text + "' is not.");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw Problem.badRequest("url must name a host, such as https://example.com/hooks/taskflow.");
    }
    if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw Problem.badRequest("url must not carry credentials (user:password@) or a fragment (#...); the "
        + "Taskflow-Signature header authenticates deliveries.");
    }
    Optional<String> refusal;
    try {
      refusal = egress.refusal(uri.getHost());
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("url must name a valid host: " + e.getMessage() + ".");
    }
    if (refusal.isPresent()) {
      throw Problem.badRequest("url must not point to a private or internal address: " + refusal.get() + "; "
        + EgressGuard.HINT + ".");
    }
    return uri.toString();
  }

  /** Known event types, each once; none given: reminders only. */
  static List<String> events(JsonArray array) {
    if (array == null) {
      return List.of(EventTypes.REMINDER_TRIGGERED);
    }
    if (array.isEmpty()) {
      throw Problem.badRequest("events must name at least one event type: " + String.join(", ", EventTypes.ALL) + ".");
    }
    List<String> events = new ArrayList<>();
    for (Object value : array) {
      String type = TaskInput.oneOf("events[]", (String) value, EventTypes.ALL.toArray(String[]::new));
      if (!events.contains(type)) {
        events.add(type);
      }
    }
    return events;
  }

  /** From the path as sent: the deliveries route checks its parameters here, not through the validator. */
  private static UUID webhookId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("id must be a UUID.");
    }
  }
}
