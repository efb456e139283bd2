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
 *   <li>{@code recurrence.preview}: {@code {rrule, dtstart, timezone, count, exdates?}} →
 *       {@code {occurrences: [local date-times]}}, computed on the {@link RuleEvaluator}'s workers.</li>
 *   <li>{@code recurrence.series}: {@code {action, userId, ...}} with action {@code create} ({@code task},
 *       {@code recurrence}, {@code reminders}), {@code set} ({@code taskId}, {@code recurrence}), {@code stop}, {@code skip}
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
    answer(message, evaluator.forRequest(() -> {
      JsonObject body = message.body();
      int count = body.getInteger("count", 10);
      if (count < 1 || count > PREVIEW_MAX) {
        throw new SeriesProblem(400, "count must be between 1 and " + PREVIEW_MAX + ".");
      }
      LocalDateTime dtstart = SeriesSpec.localDateTime("dtstart", body.getString("dtstart"));
      List<LocalDateTime> exdates = body.getJsonArray("exdates", new JsonArray()).stream()
        .map(value -> SeriesSpec.localDateTime("exdates", String.valueOf(value))).toList();
      Recurrence recurrence = Recurrence.of(body.getString("rrule"), dtstart, body.getString("timezone"), exdates,
        limits);
      return new JsonObject().put("occurrences", new JsonArray(recurrence.first(count).stream()
        .map(local -> Recurrence.format(recurrence.placed(local))).toList()));
    }));
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
      case "create" -> series.createTask(userId, SeriesRepository.TaskFields.from(body.getJsonObject("task")),
        SeriesSpec.from(body.getJsonObject("recurrence")), body.getJsonArray("reminders"), correlationId);
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
