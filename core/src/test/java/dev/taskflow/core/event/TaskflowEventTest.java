package dev.taskflow.core.event;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The CloudEvents envelope")
class TaskflowEventTest {

  @Test
  @DisplayName("is structured CloudEvents 1.0 JSON with the Taskflow extensions, and reads back equal")
  void roundTrip() {
    UUID user = UUID.randomUUID();
    TaskflowEvent event = TaskflowEvent.create("api", EventTypes.TASK_CREATED, "task-1", user, 42, "corr-1",
      new JsonObject().put("task", new JsonObject().put("title", "Hello")));

    JsonObject json = event.toJson();

    assertThat(json.getString("specversion")).isEqualTo("1.0");
    assertThat(json.getString("id")).isEqualTo(event.id().toString());
    assertThat(json.getString("source")).isEqualTo("/taskflow/api");
    assertThat(json.getString("type")).isEqualTo("taskflow.task.created");
    assertThat(json.getString("subject")).isEqualTo("task-1");
    assertThat(json.getString("datacontenttype")).isEqualTo("application/json");
    assertThat(json.getString("userid")).isEqualTo(user.toString());
    assertThat(json.getValue("sequence")).isEqualTo(42);
    assertThat(json.getString("correlationid")).isEqualTo("corr-1");
    assertThat(json.getValue("schemaversion")).isEqualTo(1);
    assertThat(json.getJsonObject("data").getJsonObject("task").getString("title")).isEqualTo("Hello");
    assertThat(TaskflowEvent.fromJson(json)).isEqualTo(event);
  }

  @Test
  @DisplayName("reminder events go to the reminders topic, everything else to task-events")
  void topics() {
    assertThat(EventTypes.topicOf(EventTypes.REMINDER_TRIGGERED)).isEqualTo("reminders");
    assertThat(EventTypes.topicOf(EventTypes.TASK_DELETED)).isEqualTo("task-events");
    assertThat(Topics.deadLetter("task-events")).isEqualTo("task-events.dlq");
  }
}
