package dev.taskflow.audit.replay;

import dev.taskflow.audit.log.EventLogRepository;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.kafka.BlockingReads;
import dev.taskflow.core.kafka.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds {@code event_log} from the durable topics: reads {@code task-events} and {@code reminders} from their
 * earliest offsets to their current ends (no consumer group, nothing committed) and appends every event the log does
 * not have. On an empty log (a restored or new database) that recreates it whole; on a live one it fills gaps and
 * checks that every event already logged is identical to the topic's copy. Kafka only: the Dapr sidecar has no way
 * to read a topic from its start. Blocking: run it from {@code main}.
 */
public final class AuditReplay {

  private static final Logger LOG = LoggerFactory.getLogger(AuditReplay.class);

  /** What a replay did. */
  /**
   * What a replay did. {@code rejected} counts events the log refused (e.g. a poison event that reuses a user's
   * sequence number): the live consumer refused them too and sent them to the dead-letter topic.
   */
  public record Result(long read, long appended, long alreadyLogged, long different, long rejected) {
    public boolean identical() {
      return different == 0;
    }
  }

  private final Pool pool;
  private final KafkaSettings kafka;

  public AuditReplay(Pool pool, KafkaSettings kafka) {
    this.pool = pool;
    this.kafka = kafka;
  }

  public Result run() throws Exception {
    EventLogRepository log = new EventLogRepository(pool);
    long read = 0;
    long appended = 0;
    long already = 0;
    long different = 0;
    long rejected = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(BlockingReads.consumerProperties(kafka, null))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(Topics.TASK_EVENTS, Topics.REMINDERS)) {
        List<PartitionInfo> infos = consumer.partitionsFor(kafka.topicPrefix() + topic, Duration.ofSeconds(30));
        if (infos != null) {
          infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      while (!BlockingReads.caughtUp(consumer, ends)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          read++;
          TaskflowEvent event;
          boolean inserted;
          try {
            event = TaskflowEvent.fromJson(new JsonObject(record.value()));
            inserted = await(log.insert(pool, event));
          } catch (Exception e) {
            rejected++;
            LOG.warn("The log refuses the record at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
              e.getMessage());
            continue;
          }
          if (inserted) {
            appended++;
          } else {
            already++;
            JsonObject logged = await(log.find(event.id()));
            if (!event.toJson().equals(logged)) {
              different++;
              LOG.warn("Event {} in event_log differs from the topic's copy", event.id());
            }
          }
        }
      }
    }
    Result result = new Result(read, appended, already, different, rejected);
    LOG.info("Replay read {} events: {} appended, {} already logged ({} different), {} refused", read, appended,
      already, different, rejected);
    return result;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
