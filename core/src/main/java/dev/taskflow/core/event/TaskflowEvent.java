package dev.taskflow.core.event;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.jackson.JsonFormat;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One Taskflow event: a CloudEvents 1.0 envelope in structured JSON mode, with the extensions {@code userid},
 * {@code sequence} (per user, gapless), {@code correlationid} and {@code schemaversion}. Serialisation is the
 * CloudEvents SDK's JSON format, so what goes on a topic is what any CloudEvents consumer (Dapr included) reads.
 */
public record TaskflowEvent(
  UUID id,
  String source,
  String type,
  String subject,
  OffsetDateTime time,
  UUID userId,
  long sequence,
  String correlationId,
  JsonObject data) {

  public static final String CONTENT_TYPE = JsonFormat.CONTENT_TYPE;
  public static final int SCHEMA_VERSION = 1;
  private static final EventFormat FORMAT = new JsonFormat();

  public TaskflowEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(data, "data");
  }

  /** A new event with a fresh id, stamped now. */
  public static TaskflowEvent create(String service, String type, String subject, UUID userId, long sequence,
                                     String correlationId, JsonObject data) {
    return new TaskflowEvent(UUID.randomUUID(), "/taskflow/" + service, type, subject,
      OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS), userId, sequence,
      correlationId != null ? correlationId : UUID.randomUUID().toString(), data);
  }

  public String topic() {
    return EventTypes.topicOf(type);
  }

  public CloudEvent toCloudEvent() {
    CloudEventBuilder builder = CloudEventBuilder.v1()
      .withId(id.toString())
      .withSource(URI.create(source))
      .withType(type)
      .withSubject(subject)
      .withTime(time)
      .withDataContentType("application/json")
      .withData(data.toBuffer().getBytes())
      .withExtension("userid", userId.toString())
      .withExtension("correlationid", correlationId)
      .withExtension("schemaversion", SCHEMA_VERSION);
    // CloudEvents integers are 32-bit; a counter past that travels as a string (fromCloudEvent reads both)
    return sequence <= Integer.MAX_VALUE
      ? builder.withExtension("sequence", (int) sequence).build()
      : builder.withExtension("sequence", Long.toString(sequence)).build();
  }

  /** The structured-mode JSON, as it goes into the outbox and onto the topics. */
  public JsonObject toJson() {
    return new JsonObject(Buffer.buffer(FORMAT.serialize(toCloudEvent())));
  }

  /**
   * The same JSON as text. A jsonb column takes it through a {@code ::text::jsonb} cast: a {@link #toJson} there would
   * be parsed into maps only for the SQL client to write it out again (two of the four JSON passes an event cost).
   */
  public String encode() {
    return new String(FORMAT.serialize(toCloudEvent()), StandardCharsets.UTF_8);
  }

  public static TaskflowEvent fromJson(JsonObject json) {
    return fromCloudEvent(FORMAT.deserialize(json.toBuffer().getBytes()));
  }

  /** Reads the JSON text as a record value carries it, without building a {@link JsonObject} to encode again. */
  public static TaskflowEvent decode(String json) {
    return fromCloudEvent(FORMAT.deserialize(json.getBytes(StandardCharsets.UTF_8)));
  }

  public static TaskflowEvent fromCloudEvent(CloudEvent event) {
    Object sequence = event.getExtension("sequence");
    Object correlation = event.getExtension("correlationid");
    return new TaskflowEvent(
      UUID.fromString(event.getId()),
      event.getSource().toString(),
      event.getType(),
      event.getSubject(),
      event.getTime(),
      UUID.fromString(String.valueOf(event.getExtension("userid"))),
      sequence instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(sequence)),
      correlation == null ? null : correlation.toString(),
      event.getData() == null ? new JsonObject() : new JsonObject(Buffer.buffer(event.getData().toBytes())));
  }
}
