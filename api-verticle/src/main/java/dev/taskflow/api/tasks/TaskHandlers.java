package dev.taskflow.api.tasks;

import dev.taskflow.core.tasks.Task;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.reminders.ReminderSpec;
import dev.taskflow.core.reminders.Reminder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.UUID;

import static dev.taskflow.api.http.Responses.body;
import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.noContent;
import static dev.taskflow.api.http.Responses.respond;
import static dev.taskflow.api.http.Responses.validated;

/** The {@code /tasks} endpoints. */
public final class TaskHandlers {

  public static final int DEFAULT_PAGE = 50;
  public static final int MAX_PAGE = 200;

  private final TaskRepository tasks;
  private final RecurrenceHandlers recurrence;

  public TaskHandlers(TaskRepository tasks, RecurrenceHandlers recurrence) {
    this.tasks = tasks;
    this.recurrence = recurrence;
  }

  /**
   * Creates a task with its reminders, all in one transaction; a task with {@code recurrence} is created by the
   * recurrence service, together with its series and reminders (its due date then defaults to the series' start).
   */
  public void createTask(RoutingContext ctx) {
    TaskDraft draft = TaskDraft.from(body(ctx));
    JsonArray reminders = body(ctx).getJsonArray("reminders");
    JsonObject series = body(ctx).getJsonObject("recurrence");
    boolean dated = draft.dueAt() != null || series != null && series.getString("dtstart") != null;
    List<ReminderSpec> specs = ReminderSpec.list(reminders, dated);
    if (series != null && draft.parentId() != null) {
      throw dev.taskflow.api.http.Problem.unprocessable("A subtask cannot repeat: give either parentId or "
        + "recurrence, not both.");
    }
    if (series != null) {
      recurrence.createTask(ctx, draft, series, specs);
      return;
    }
    respond(ctx, tasks.createWithReminders(CurrentUser.id(ctx), draft, specs, correlationId(ctx)).compose(created -> {
      Task task = created.task();
      ctx.response().putHeader(HttpHeaders.LOCATION, "/api/v1/tasks/" + task.id());
      ctx.response().putHeader(HttpHeaders.ETAG, task.etag());
      JsonObject body = task.toJson();
      if (reminders != null) {
        body.put("reminders", new JsonArray(created.reminders().stream().map(Reminder::toJson).toList()));
      }
      return json(ctx, 201, body);
    }));
  }

  /** Its query is checked here, not by the OpenAPI validator: free text must stay text (see the contract). */
  public void listTasks(RoutingContext ctx) {
    MultiMap params = ctx.queryParams();
    boolean manual = "manual".equals(TaskInput.oneOf("sort", params.get("sort"), "created", "manual"));
    String parent = params.get("parent");
    boolean topLevel = "none".equals(parent);
    UUID parentId = topLevel ? null : TaskInput.uuid("parent", parent);
    TaskRepository.Query query = new TaskRepository.Query(
      TaskInput.oneOf("status", params.get("status"), Task.OPEN, Task.COMPLETED),
      TaskInput.instant("dueBefore", params.get("dueBefore")),
      TaskInput.instant("dueAfter", params.get("dueAfter")),
      TaskInput.tag("tag", params.get("tag")),
      TaskInput.searchText("q", params.get("q")),
      TaskInput.uuid("seriesId", params.get("seriesId")),
      manual ? null : Cursor.decode(params.get("cursor")),
      TaskInput.integer("limit", params.get("limit"), 1, MAX_PAGE, DEFAULT_PAGE),
      topLevel, parentId, manual, manual ? PositionCursor.decode(params.get("cursor")) : null,
      TaskInput.uuid("projectId", params.get("projectId")));
    respond(ctx, tasks.list(CurrentUser.id(ctx), query).compose(page -> {
      JsonArray items = new JsonArray();
      page.items().forEach(task -> items.add(withSubtasks(task, page.subtasks().get(task.id()))));
      return json(ctx, 200, new JsonObject().put("items", items).put("nextCursor", page.nextCursor()));
    }));
  }

  public void getTask(RoutingContext ctx) {
    respond(ctx, tasks.find(CurrentUser.id(ctx), taskId(ctx)).compose(task -> withTask(ctx, 200, task)));
  }

  public void updateTask(RoutingContext ctx) {
    respond(ctx, tasks.update(CurrentUser.id(ctx), taskId(ctx), body(ctx), ifMatch(ctx), correlationId(ctx))
      .compose(task -> withTask(ctx, 200, task)));
  }

  public void completeTask(RoutingContext ctx) {
    respond(ctx, tasks.complete(CurrentUser.id(ctx), taskId(ctx), correlationId(ctx))
      .compose(task -> withTask(ctx, 200, task)));
  }

  public void reopenTask(RoutingContext ctx) {
    respond(ctx, tasks.reopen(CurrentUser.id(ctx), taskId(ctx), correlationId(ctx))
      .compose(task -> withTask(ctx, 200, task)));
  }

  public void deleteTask(RoutingContext ctx) {
    respond(ctx, tasks.delete(CurrentUser.id(ctx), taskId(ctx), ifMatch(ctx), correlationId(ctx))
      .compose(v -> noContent(ctx)));
  }

  /** A listed task; a top-level one with its subtask counts, {@code subtasks: {open, done}}. */
  private static JsonObject withSubtasks(Task task, JsonObject counts) {
    JsonObject json = task.toJson();
    if (task.parentId() == null && counts != null) {
      json.put("subtasks", counts);
    }
    return json;
  }

  /**
   * {@code POST /tasks/{id}/move {after, before}}: puts the task right after {@code after} and/or right before
   * {@code before} in its list (the top-level tasks, or its parent's subtasks); see {@link TaskRepository#move}.
   */
  public void moveTask(RoutingContext ctx) {
    JsonObject body = body(ctx);
    UUID after = TaskInput.uuid("after", body.getString("after"));
    UUID before = TaskInput.uuid("before", body.getString("before"));
    if (after == null && before == null) {
      throw dev.taskflow.api.http.Problem.badRequest("Give after (the task to follow), before (the task to precede), "
        + "or both.");
    }
    respond(ctx, tasks.move(CurrentUser.id(ctx), taskId(ctx), after, before, ifMatch(ctx), correlationId(ctx))
      .compose(task -> withTask(ctx, 200, task)));
  }

  public static Future<Void> withTask(RoutingContext ctx, int status, Task task) {
    ctx.response().putHeader(HttpHeaders.ETAG, task.etag());
    return json(ctx, status, task.toJson());
  }

  public static UUID taskId(RoutingContext ctx) {
    return UUID.fromString(validated(ctx).getPathParameters().get("id").getString());
  }

  public static String ifMatch(RoutingContext ctx) {
    return ctx.request().getHeader(HttpHeaders.IF_MATCH);
  }

  /** The caller's X-Correlation-Id when it is a sane token, else a fresh one; it travels in the event. */
  public static String correlationId(RoutingContext ctx) {
    String given = ctx.request().getHeader("X-Correlation-Id");
    if (given != null && given.length() <= 64 && given.matches("[A-Za-z0-9._:-]+")) {
      return given;
    }
    return UUID.randomUUID().toString();
  }

}
