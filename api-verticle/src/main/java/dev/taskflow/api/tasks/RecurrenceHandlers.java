package dev.taskflow.api.tasks;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.http.ServiceCalls;
import dev.taskflow.api.reminders.ReminderSpec;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.tasks.Task;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static dev.taskflow.api.http.Responses.body;
import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.noContent;
import static dev.taskflow.api.http.Responses.respond;

/**
 * The recurrence endpoints, answered by the recurrence verticle (owner of the series) over the event bus:
 * {@code recurrence.series} and {@code recurrence.preview}. A series is its task's account's (its project's), so the
 * caller's right to change the task (or to create one in the project) is checked here first and the request goes for
 * that account; the list is the caller's own account's series.
 */
public final class RecurrenceHandlers {

  private static final String SERVICE = "The recurrence service (recurrence verticle)";

  private final ServiceCalls calls;
  private final TaskRepository tasks;

  public RecurrenceHandlers(ServiceCalls calls, TaskRepository tasks) {
    this.calls = calls;
    this.tasks = tasks;
  }

  /** {@code POST /tasks} with {@code recurrence}: the task, its series and reminders are created in one transaction. */
  void createTask(RoutingContext ctx, TaskDraft draft, JsonObject recurrence, List<ReminderSpec> reminders) {
    UUID caller = CurrentUser.id(ctx);
    respond(ctx, tasks.target(caller, draft.projectId())
      .compose(project -> {
        JsonObject task = new JsonObject().put("title", draft.title()).put("description", draft.description())
          .put("priority", draft.priority()).put("tags", new JsonArray(draft.tags()))
          .put("dueAt", Task.instant(draft.dueAt())).put("timezone", draft.timezone())
          .put("projectId", project.id().toString());
        return series(ctx, project.accountId(), "create", new JsonObject().put("task", task)
          .put("recurrence", recurrence).put("remindedId", caller.toString())
          .put("reminders", new JsonArray(reminders.stream().map(ReminderSpec::toJson).toList())));
      })
      .compose(reply -> {
        JsonObject created = reply.getJsonObject("task");
        if (!reminders.isEmpty()) {
          created.put("reminders", reply.getJsonArray("reminders"));
        }
        ctx.response().putHeader(HttpHeaders.LOCATION, "/api/v1/tasks/" + created.getString("id"))
          .putHeader(HttpHeaders.ETAG, "\"" + created.getInteger("version") + "\"");
        return json(ctx, 201, created);
      }));
  }

  public void setRecurrence(RoutingContext ctx) {
    respond(ctx, onTask(ctx, "set", new JsonObject().put("recurrence", body(ctx)))
      .compose(reply -> json(ctx, 200, reply.getJsonObject("series"))));
  }

  public void stopRecurrence(RoutingContext ctx) {
    respond(ctx, onTask(ctx, "stop", new JsonObject())
      .compose(reply -> noContent(ctx)));
  }

  public void skipOccurrence(RoutingContext ctx) {
    respond(ctx, onTask(ctx, "skip", new JsonObject())
      .compose(reply -> json(ctx, 200, reply)));
  }

  /** Its query is checked here, like the other lists'. */
  public void listRecurring(RoutingContext ctx) {
    Cursor after = Cursor.decode(ctx.queryParams().get("cursor"));
    int limit = TaskInput.integer("limit", ctx.queryParams().get("limit"), 1, TaskHandlers.MAX_PAGE,
      TaskHandlers.DEFAULT_PAGE);
    respond(ctx, series(ctx, CurrentUser.id(ctx), "list", new JsonObject().put("limit", limit)
        .put("afterCreated", after == null ? null : after.createdAt().toString())
        .put("afterId", after == null ? null : after.id().toString()))
      .compose(reply -> {
        JsonObject last = reply.getJsonObject("last");
        String next = last == null ? null
          : new Cursor(OffsetDateTime.parse(last.getString("createdAt")), UUID.fromString(last.getString("id")))
            .encode();
        return json(ctx, 200, new JsonObject().put("items", reply.getJsonArray("items")).put("nextCursor", next));
      }));
  }

  public void preview(RoutingContext ctx) {
    respond(ctx, calls.ask(Addresses.RECURRENCE_PREVIEW, body(ctx), SERVICE)
      .compose(reply -> json(ctx, 200, reply)));
  }

  /** Asks {@code recurrence.series} to do {@code action} for {@code account}. */
  private Future<JsonObject> series(RoutingContext ctx, UUID account, String action, JsonObject params) {
    JsonObject request = params.put("action", action).put("userId", account.toString())
      .put("correlationId", TaskHandlers.correlationId(ctx));
    return calls.ask(Addresses.RECURRENCE_SERIES, request, SERVICE);
  }

  /** An action on the path's task, once the caller is shown to be allowed to change it, for the task's account. */
  private Future<JsonObject> onTask(RoutingContext ctx, String action, JsonObject params) {
    UUID taskId = TaskHandlers.taskId(ctx);
    return tasks.findChangeable(CurrentUser.id(ctx), taskId)
      .compose(task -> series(ctx, task.userId(), action, params.put("taskId", taskId.toString())));
  }
}
