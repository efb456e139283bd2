package dev.taskflow.recurrence.series;

import dev.taskflow.recurrence.rule.InvalidRuleException;
import dev.taskflow.recurrence.rule.Recurrence;
import dev.taskflow.recurrence.rule.RuleLimits;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Answers the event-bus addresses of the recurrence verticle. Requests are JSON; a failure is answered with an HTTP
 * status as its code (400, 404, 409, 422; 503 when too many rules are being evaluated) and a message for the user, or
 * 500 when something unexpected broke. No rule is evaluated on the event loop, and every evaluation is bounded (422
 * when a rule costs more than its {@link RuleLimits}).
 *
 * <ul>
 *   <li>{@code recurrence.preview}: {@code {rrule, dtstart, timezone, count, exdates?, from?, until?, after?}} →
 *       {@code {occurrences: [local date-times], next}}: up to {@code count} (at most {@link #PREVIEW_MAX}) occurrences
 *       in the window [{@code from}, {@code until}] after the cursor {@code after}, and the cursor of the next page
 *       (null when there is none), computed on the {@link RuleEvaluator}'s workers.</li>
 *   <li>{@code recurrence.series}: {@code {action, userId, ...}} ({@code userId}: the account of the task's project,
 *       the API has checked the caller's membership) with action {@code create} ({@code task} with its
 *       {@code projectId}, {@code recurrence}, {@code reminders}, {@code remindedId}: who the reminders are for, the
 *       caller), {@code set} ({@code taskId}, {@code recurrence}), {@code stop}, {@code skip}
 *       ({@code taskId}) or {@code list} ({@code limit}, {@code afterCreated?}, {@code afterId?}).</li>
 * </ul>
 */
public final class SeriesService {

  private static final Logger LOG = LoggerFactory.getLogger(SeriesService.class);

  /** The most occurrences one preview gives. */
  public static final int PREVIEW_MAX = 100;

  private final SeriesRepository series;
  private final RuleEvaluator evaluator;
  private final RuleLimits limits;

  public SeriesService(SeriesRepository series, RuleEvaluator evaluator, RuleLimits limits) {
    this.series = series;
    this.evaluator = evaluator;
    this.limits = limits;
  }

  public void preview(Message<JsonObject> message) {
    answer(message, evaluator.forRequest(() -> preview(message.body())));
  }

  /**
   * A page of the occurrences in the window [{@code from}, {@code until}] (inclusive, either open), strictly after the
   * cursor {@code after}; {@code next} is the cursor of the page after this one (the last occurrence as the engine gave
   * it, before it is placed in a DST gap), null when there are no more.
   */
  private JsonObject preview(JsonObject body) {
    int count = body.getInteger("count", 10);
    if (count < 1 || count > PREVIEW_MAX) {
      throw new SeriesProblem(400, "count must be between 1 and " + PREVIEW_MAX + ".");
    }
    LocalDateTime dtstart = SeriesSpec.localDateTime("dtstart", body.getString("dtstart"));
    LocalDateTime from = previewTime(body, "from");
    LocalDateTime until = previewTime(body, "until");
    LocalDateTime after = previewTime(body, "after");
    if (from != null && until != null && until.isBefore(from)) {
      throw new SeriesProblem(400, "until (" + Recurrence.format(until) + ") is before from ("
        + Recurrence.format(from) + "); the window would be empty.");
    }
    List<LocalDateTime> exdates = body.getJsonArray("exdates", new JsonArray()).stream()
      .map(value -> SeriesSpec.localDateTime("exdates", String.valueOf(value))).toList();
    // from where a series of this rule starts: DTSTART synchronised with the rule (SeriesRules.plan does the same)
    Recurrence recurrence = Recurrence.of(body.getString("rrule"), dtstart, body.getString("timezone"), exdates,
      limits).synchronised().orElse(null);
    if (recurrence == null) {
      return new JsonObject().put("occurrences", new JsonArray()).put("next", null);
    }
    if (after != null && !recurrence.window(after, after, null, 1).contains(after)) {
      throw new SeriesProblem(400, "after must be the next cursor of a previous page of this rule: "
        + Recurrence.format(after) + " is not one of its occurrences.");
    }
    List<LocalDateTime> page = recurrence.window(from, until, after, count + 1);
    boolean more = page.size() > count;
    List<LocalDateTime> shown = more ? page.subList(0, count) : page;
    return new JsonObject()
      .put("occurrences", new JsonArray(shown.stream().map(local -> Recurrence.format(recurrence.placed(local)))
        .toList()))
      .put("next", more ? Recurrence.format(shown.get(count - 1)) : null);
  }

  /** An optional local date-time of the preview's window or cursor: a 400 when it is not one. */
  private static LocalDateTime previewTime(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(String.valueOf(value));
    } catch (DateTimeException e) {
      throw new SeriesProblem(400, field + " must be a local date-time such as 2026-03-08T09:00:00 (no offset: the "
        + "zone is given by timezone); '" + value + "' is not one.");
    }
  }

  public void series(Message<JsonObject> message) {
    Future<JsonObject> result;
    try {
      result = dispatch(message.body());
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    answer(message, result);
  }

  private Future<JsonObject> dispatch(JsonObject body) {
    UUID userId = UUID.fromString(body.getString("userId"));
    String correlationId = body.getString("correlationId");
    return switch (String.valueOf(body.getString("action"))) {
      case "create" -> series.createTask(userId,
        body.getString("remindedId") == null ? userId : UUID.fromString(body.getString("remindedId")),
        SeriesRepository.TaskFields.from(body.getJsonObject("task")), SeriesSpec.from(body.getJsonObject("recurrence")),
        body.getJsonArray("reminders"), correlationId);
      case "set" -> series.set(userId, taskId(body), SeriesSpec.from(body.getJsonObject("recurrence")), correlationId);
      case "stop" -> series.stop(userId, taskId(body), correlationId);
      case "skip" -> series.skip(userId, taskId(body), correlationId);
      case "list" -> series.list(userId, body.getInteger("limit", 50),
          body.getString("afterCreated") == null ? null : OffsetDateTime.parse(body.getString("afterCreated")),
          body.getString("afterId") == null ? null : UUID.fromString(body.getString("afterId")))
        .map(page -> new JsonObject().put("items", new JsonArray(page.items())).put("last", page.last() == null
          ? null : new JsonObject().put("createdAt", page.last().createdAt().toString())
          .put("id", page.last().id().toString())));
      default -> throw new SeriesProblem(400, "Unknown action '" + body.getString("action") + "'.");
    };
  }

  private static UUID taskId(JsonObject body) {
    return UUID.fromString(body.getString("taskId"));
  }

  private static void answer(Message<JsonObject> message, Future<JsonObject> result) {
    result.onSuccess(message::reply).onFailure(e -> {
      if (e instanceof SeriesProblem problem) {
        message.fail(problem.status(), problem.getMessage());
      } else if (e instanceof InvalidRuleException) {
        message.fail(422, e.getMessage());
      } else {
        LOG.error("Recurrence request {} failed", message.body().getString("action", "preview"), e);
        message.fail(500, "The recurrence service failed; try again shortly.");
      }
    });
  }
}
