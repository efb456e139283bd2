package dev.taskflow.core.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.util.Map;
import java.util.Properties;

/**
 * What the launcher's one-shot commands that read topics to their end with the plain Kafka client share
 * ({@code replay-audit}, {@code redrive-dlq}): the consumer's settings and the test for "read it all".
 */
public final class BlockingReads {

  private BlockingReads() {
  }

  /**
   * A string consumer of the cluster (with {@link KafkaSettings#client()}'s TLS/SASL settings), committing only when
   * told to, reading committed records only; in consumer group {@code group}, or none when it is null.
   */
  public static Properties consumerProperties(KafkaSettings kafka, String group) {
    Properties props = new Properties();
    props.putAll(kafka.client());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    if (group != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  /** True once the consumer's position has reached {@code ends} on every partition. */
  public static boolean caughtUp(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }
}
