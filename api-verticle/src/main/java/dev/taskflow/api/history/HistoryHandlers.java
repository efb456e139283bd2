package dev.taskflow.api.history;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.http.Problem;
import dev.taskflow.api.http.ServiceCalls;
import dev.taskflow.api.tasks.TaskInput;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.respond;

/**
 * {@code GET /events} and {@code GET /tasks/{id}/events}: asks the audit verticle on {@code audit.history}. The whole
 * history is the token's user's own account's; a task's is its account's, read by any member of the task's project
 * ({@link HistoryRepository}: the audit log keeps events per account, and a shared project's are its account's),
 * without the account's {@code taskflow.reminder.triggered} events: a reminder is its setter's, and a member's own
 * firings are in the member's history ({@code GET /events?aggregateId=}). The parameters are checked here (see the
 * contract for why not by the generic validator).
 */
public final class HistoryHandlers {

  public static final int DEFAULT_PAGE = 50;
  public static final int MAX_PAGE = 200;
  private final ServiceCalls calls;
  private final HistoryRepository tasks;

  public HistoryHandlers(ServiceCalls calls, HistoryRepository tasks) {
    this.calls = calls;
    this.tasks = tasks;
  }

  public void listEvents(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    String aggregateId = params.get("aggregateId");
    if (aggregateId != null) {
      aggregateId = TaskInput.uuid("aggregateId", aggregateId).toString();
    }
    JsonObject query = new JsonObject()
      .put("type", TaskInput.oneOf("type", params.get("type"), EventTypes.ALL.toArray(String[]::new)))
      .put("aggregateId", aggregateId)
      .put("from", instant("from", params.get("from")))
      .put("to", instant("to", params.get("to")))
      .put("afterSequence", after(params));
    respond(ctx, ask(CurrentUser.id(ctx), query, limit(params)).compose(page -> json(ctx, 200, page)));
  }

  public void listTaskEvents(RoutingContext ctx) {
    UUID taskId = TaskInput.uuid("id", ctx.pathParam("id"));
    MultiMap params = ctx.queryParams();
    long after = after(params);
    int limit = limit(params);
    UUID caller = CurrentUser.id(ctx);
    JsonObject query = new JsonObject().put("aggregateId", taskId.toString()).put("afterSequence", after);
    respond(ctx, tasks.historyOwner(taskId, caller)
      .compose(owner -> {
        if (!owner.equals(caller)) {
          // a reminder is its setter's: the account's own firings stay out of what a member reads
          query.put("withoutType", EventTypes.REMINDER_TRIGGERED);
        }
        return ask(owner, query, limit);
      })
      .compose(page -> {
        if (after == 0 && page.getJsonArray("items").isEmpty()) {
          throw Problem.notFound("No task " + taskId + ".");
        }
        return json(ctx, 200, page);
      }));
  }

  /** The page of {@code userId}'s history that the query asks for. */
  private Future<JsonObject> ask(UUID userId, JsonObject query, int limit) {
    query.put("userId", userId.toString()).put("limit", limit);
    return calls.ask(Addresses.AUDIT_HISTORY, query, "The history service (audit verticle)")
      .map(body -> {
        Long next = body.getLong("nextAfterSequence");
        return new JsonObject().put("items", body.getJsonArray("items"))
          .put("nextCursor", next == null ? null : encode(next));
      });
  }

  private static int limit(MultiMap params) {
    return TaskInput.integer("limit", params.get("limit"), 1, MAX_PAGE, DEFAULT_PAGE);
  }

  /** {@code cursor} when given (it is where the previous page ended), else {@code afterSequence}, else 0. */
  private static long after(MultiMap params) {
    String cursor = params.get("cursor");
    if (cursor != null) {
      return decode(cursor);
    }
    String after = params.get("afterSequence");
    if (after == null) {
      return 0;
    }
    try {
      long n = Long.parseLong(after);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problem.badRequest("afterSequence must be a whole number, 0 or more.");
  }

  private static String instant(String field, String value) {
    var time = TaskInput.instant(field, value);
    return time == null ? null : time.toString();
  }

  private static String encode(long sequence) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("s" + sequence).getBytes(StandardCharsets.UTF_8));
  }

  private static long decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("s")) {
        long n = Long.parseLong(text.substring(1));
        if (n >= 0) {
          return n;
        }
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw Problem.badRequest("cursor is not one this server gave out; pass nextCursor back unchanged.");
  }
}
