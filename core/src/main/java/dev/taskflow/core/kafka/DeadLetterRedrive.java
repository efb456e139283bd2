package dev.taskflow.core.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Puts dead letters back on their topic, once what made a consumer give up on them is fixed: reads
 * {@code <topic>.dlq} up to its end at the start and publishes every record, unchanged (same key, same value, the
 * original headers less the dead-letter ones, plus {@link #REDRIVEN_HEADER}), to {@code <topic>}. Every consumer group
 * sees a redriven event again; the groups that had handled it find it in {@code processed_events} and change
 * nothing, so only the group that had given up acts on it. It works for every consumer (audit, recurrence, notifier,
 * the live fan-out) and for the Dapr transport too (its dead-letter topics are on the same Kafka cluster).
 *
 * <p>With {@code group}, only the records that group dead-lettered are put back (the Kafka transport's
 * {@link KafkaTransport#DLQ_SOURCE_HEADER} names it; Dapr's dead letters carry no such header and go back only without
 * a group). Progress is committed as consumer group {@code taskflow-redrive[-<group>]} after each record is
 * acknowledged, so a second run puts back only what was dead-lettered since. {@code dryRun} counts without publishing
 * or committing. Blocking: run it from {@code main}.
 */
public final class DeadLetterRedrive {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRedrive.class);
  public static final String REDRIVEN_HEADER = "taskflow-redriven-from";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** What a run did, per dead-letter topic: records read, put back, and skipped (another group's). */
  public record Result(Map<String, long[]> byTopic) {
    public long redriven() {
      return byTopic.values().stream().mapToLong(counts -> counts[1]).sum();
    }

    public String describe() {
      StringBuilder text = new StringBuilder();
      byTopic.forEach((topic, counts) -> text.append(String.format("%s: read %d, put back %d, skipped %d (another "
        + "group's)%n", topic, counts[0], counts[1], counts[2])));
      return text.toString();
    }
  }

  private final KafkaSettings kafka;

  public DeadLetterRedrive(KafkaSettings kafka) {
    this.kafka = kafka;
  }

  /** Redrives the dead letters of {@code topics} (logical names, e.g. {@code task-events}). */
  public Result run(List<String> topics, String group, boolean dryRun) throws Exception {
    Map<String, long[]> byTopic = new TreeMap<>();
    String progressGroup = group == null || group.isBlank() ? "taskflow-redrive" : "taskflow-redrive-" + group;
    try (KafkaConsumer<String, String> consumer =
           new KafkaConsumer<>(BlockingReads.consumerProperties(kafka, progressGroup));
         KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties())) {
      for (String topic : topics) {
        String target = kafka.topicPrefix() + topic;
        String deadLetters = kafka.topicPrefix() + dev.taskflow.core.event.Topics.deadLetter(topic);
        byTopic.put(deadLetters, redrive(consumer, producer, deadLetters, target, group, dryRun));
      }
    }
    return new Result(byTopic);
  }

  private long[] redrive(KafkaConsumer<String, String> consumer, KafkaProducer<String, String> producer,
                         String deadLetters, String target, String group, boolean dryRun) throws Exception {
    long[] counts = new long[3];
    List<PartitionInfo> infos = consumer.partitionsFor(deadLetters, TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      LOG.info("No dead-letter topic {}", deadLetters);
      return counts;
    }
    List<TopicPartition> partitions = infos.stream()
      .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    consumer.assign(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions), TIMEOUT);
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata from = committed.get(partition);
      if (from == null) {
        consumer.seekToBeginning(List.of(partition));
      } else {
        consumer.seek(partition, from.offset());
      }
    }
    while (!BlockingReads.caughtUp(consumer, ends)) {
      Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
      List<Future<?>> sends = new ArrayList<>();
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (record.offset() >= ends.get(partition)) {
          continue; // dead-lettered after the run started: the next run's
        }
        counts[0]++;
        done.put(partition, new OffsetAndMetadata(record.offset() + 1));
        if (group != null && !group.isBlank() && !group.equals(sourceGroup(record))) {
          counts[2]++;
          continue;
        }
        counts[1]++;
        if (!dryRun) {
          sends.add(producer.send(redriven(record, target)));
        }
      }
      for (Future<?> send : sends) {
        send.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS); // acknowledged before the progress is committed
      }
      if (!dryRun && !done.isEmpty()) {
        consumer.commitSync(done, TIMEOUT);
      }
    }
    LOG.info("{}: read {}, put back {} on {}, skipped {}{}", deadLetters, counts[0], counts[1], target, counts[2],
      dryRun ? " (dry run)" : "");
    return counts;
  }

  private static ProducerRecord<String, String> redriven(ConsumerRecord<String, String> record, String target) {
    ProducerRecord<String, String> copy = new ProducerRecord<>(target, record.key(), record.value());
    for (Header header : record.headers()) {
      if (!header.key().equals(KafkaTransport.DLQ_REASON_HEADER) && !header.key().equals(KafkaTransport.DLQ_SOURCE_HEADER)
        && !header.key().equals(REDRIVEN_HEADER)) {
        copy.headers().add(header);
      }
    }
    copy.headers().add(REDRIVEN_HEADER,
      (record.topic() + "-" + record.partition() + "@" + record.offset()).getBytes(StandardCharsets.UTF_8));
    return copy;
  }

  /** The group named first in the Kafka transport's source header ({@code "<group> <topic>-<partition>@<offset>"}). */
  static String sourceGroup(ConsumerRecord<String, String> record) {
    Header source = record.headers().lastHeader(KafkaTransport.DLQ_SOURCE_HEADER);
    if (source == null) {
      return null;
    }
    String value = new String(source.value(), StandardCharsets.UTF_8);
    int space = value.indexOf(' ');
    return space < 0 ? value : value.substring(0, space);
  }

  private Properties producerProperties() {
    Properties props = new Properties();
    props.putAll(kafka.client());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return props;
  }
}
