package dev.taskflow.bench;

import dev.taskflow.api.tasks.TaskDraft;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tasks both phases create: the same JSON body, numbered. The database phase turns it into a draft with
 * {@link TaskDraft#from}, as the API handler does after validation, so both phases write identical rows.
 */
final class TaskWorkload {

  private final AtomicLong counter = new AtomicLong();
  private final String dueAt = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();

  /** The next {@code POST /api/v1/tasks} body. */
  JsonObject nextBody() {
    return new JsonObject()
      .put("title", "bench task " + counter.incrementAndGet())
      .put("tags", new JsonArray().add("bench"))
      .put("dueAt", dueAt)
      .put("timezone", "Europe/Paris");
  }

  /** The next draft, for the repository. */
  TaskDraft nextDraft() {
    return TaskDraft.from(nextBody());
  }
}
