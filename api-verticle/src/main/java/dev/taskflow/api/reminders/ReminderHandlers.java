package dev.taskflow.api.reminders;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.http.Problem;
import dev.taskflow.api.tasks.Cursor;
import dev.taskflow.api.tasks.TaskHandlers;
import dev.taskflow.api.tasks.TaskInput;
import dev.taskflow.api.tasks.TaskRepository;
import dev.taskflow.core.reminders.Reminder;
import dev.taskflow.core.reminders.ReminderOffset;
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

/**
 * Due dates and reminders: {@code PUT /tasks/{id}/due}, {@code /tasks/{id}/reminders}, {@code GET /reminders/pending},
 * {@code POST /reminders/{id}/snooze}. What the notifier fires is what these write; it learns of every change by
 * NOTIFY, so nothing here waits for it.
 */
public final class ReminderHandlers {

  public static final int DEFAULT_PAGE = 50;
  public static final int MAX_PAGE = 200;

  private final TaskRepository tasks;
  private final ReminderRepository reminders;

  public ReminderHandlers(TaskRepository tasks, ReminderRepository reminders) {
    this.tasks = tasks;
    this.reminders = reminders;
  }

  /** Sets or clears ({@code "dueAt": null}) the due date, as a patch of it would; relative reminders move with it. */
  public void setDue(RoutingContext ctx) {
    JsonObject body = body(ctx);
    JsonObject patch = new JsonObject().put("dueAt", body.getValue("dueAt"));
    if (body.containsKey("timezone")) {
      patch.put("timezone", body.getValue("timezone"));
    }
    respond(ctx, tasks.update(CurrentUser.id(ctx), TaskHandlers.taskId(ctx), patch, TaskHandlers.ifMatch(ctx),
        TaskHandlers.correlationId(ctx))
      .compose(task -> TaskHandlers.withTask(ctx, 200, task)));
  }

  public void addReminder(RoutingContext ctx) {
    UUID taskId = TaskHandlers.taskId(ctx);
    ReminderSpec spec = ReminderSpec.from(body(ctx), "reminder");
    respond(ctx, reminders.add(CurrentUser.id(ctx), taskId, spec).compose(reminder -> {
      ctx.response().putHeader(HttpHeaders.LOCATION, "/api/v1/tasks/" + taskId + "/reminders/" + reminder.id());
      return json(ctx, 201, reminder.toJson());
    }));
  }

  public void listReminders(RoutingContext ctx) {
    respond(ctx, reminders.ofTask(CurrentUser.id(ctx), TaskHandlers.taskId(ctx))
      .compose(list -> json(ctx, 200, new JsonObject().put("items", items(list)))));
  }

  public void deleteReminder(RoutingContext ctx) {
    respond(ctx, reminders.delete(CurrentUser.id(ctx), TaskHandlers.taskId(ctx), pathId(ctx, "rid"))
      .compose(v -> noContent(ctx)));
  }

  /** Its query is checked here, like the task list's (see the contract). */
  public void listPending(RoutingContext ctx) {
    Cursor after = Cursor.decode(ctx.queryParams().get("cursor"));
    int limit = TaskInput.integer("limit", ctx.queryParams().get("limit"), 1, MAX_PAGE, DEFAULT_PAGE);
    respond(ctx, reminders.pending(CurrentUser.id(ctx), after, limit).compose(page -> json(ctx, 200,
      new JsonObject().put("items", items(page.items())).put("nextCursor", page.nextCursor()))));
  }

  public void snooze(RoutingContext ctx) {
    ReminderOffset duration;
    try {
      duration = ReminderOffset.parse("duration", body(ctx).getString("duration"));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage());
    }
    if (!duration.positive()) {
      throw Problem.badRequest("duration must be ahead of now, such as PT10M; '" + body(ctx).getString("duration")
        + "' is not.");
    }
    respond(ctx, reminders.snooze(CurrentUser.id(ctx), pathId(ctx, "id"), duration)
      .compose(reminder -> json(ctx, 200, reminder.toJson())));
  }

  private static JsonArray items(List<Reminder> list) {
    return new JsonArray(list.stream().map(Reminder::toJson).toList());
  }

  private static UUID pathId(RoutingContext ctx, String name) {
    return UUID.fromString(validated(ctx).getPathParameters().get(name).getString());
  }
}
