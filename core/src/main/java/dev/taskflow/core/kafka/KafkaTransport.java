package dev.taskflow.core.kafka;

import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventHandler;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Kafka transport: publishes outbox records with an idempotent producer ({@code acks=all}) and delivers a topic's
 * events to a handler, one at a time and in order, committing each offset only after the handler succeeded.
 *
 * <p>Records: key = the user id, value = the structured-mode CloudEvent JSON, header
 * {@code content-type: application/cloudevents+json}. A handler that fails is retried with exponential backoff
 * ({@link KafkaSettings#retryAttempts()} attempts in all); after that, and at once for a value that is not a
 * CloudEvent, the record goes unchanged (same key, same value, headers added to say why) to {@code <topic>.dlq} and
 * its offset is committed, so a poison event never blocks its partition nor comes back after a restart.
 *
 * <p>Every topic name is prefixed with {@link KafkaSettings#topicPrefix()} ({@code ""} in production).
 */
public final class KafkaTransport implements EventPublisher, EventSubscriber {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);

  public static final String CONTENT_TYPE_HEADER = "content-type";
  public static final String DLQ_REASON_HEADER = "taskflow-dlq-reason";
  public static final String DLQ_SOURCE_HEADER = "taskflow-dlq-source";
  /** How many records one poll may bring; they are handled one by one before the next poll. */
  static final int MAX_POLL_RECORDS = 50;
  private static final long CHECK_TIMEOUT_MS = 3_000;
  /** How long closing waits for unacknowledged sends; what is still unsent then stays in the outbox. */
  private static final long PRODUCER_CLOSE_MS = 5_000;
  private static final long ADMIN_CLOSE_MS = 1_000;

  private final Vertx vertx;
  private final KafkaSettings settings;
  private final KafkaProducer<String, String> producer;
  private final KafkaAdminClient admin;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  private KafkaTransport(Vertx vertx, KafkaSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.producer = KafkaProducer.create(vertx, producerConfig(settings), String.class, String.class);
    this.admin = KafkaAdminClient.create(vertx, adminConfig(settings));
  }

  /** A transport for the broker at {@code settings.bootstrap()}; call {@link #start()} before publishing. */
  public static KafkaTransport create(Vertx vertx, KafkaSettings settings) {
    if (settings.embedded()) {
      throw new IllegalArgumentException("kafka.bootstrap is not set: start the embedded broker first");
    }
    return new KafkaTransport(vertx, settings);
  }

  /** Creates the Taskflow topics and their dead-letter topics if they are missing. */
  public Future<Void> start() {
    return ensureTopics(List.of(Topics.TASK_EVENTS, Topics.REMINDERS));
  }

  /** Creates each topic and its {@code .dlq} companion if missing, with the configured partitions and replicas. */
  public Future<Void> ensureTopics(List<String> topics) {
    List<String> wanted = topics.stream()
      .flatMap(topic -> Stream.of(topicName(topic), topicName(Topics.deadLetter(topic))))
      .toList();
    return admin.listTopics().compose(existing -> {
      List<NewTopic> missing = wanted.stream()
        .filter(name -> !existing.contains(name))
        .map(name -> new NewTopic(name, settings.partitions(), settings.replicationFactor()))
        .toList();
      if (missing.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return admin.createTopics(missing)
        .recover(error -> alreadyExists(error) ? Future.succeededFuture() : Future.failedFuture(error))
        .onSuccess(v -> LOG.info("Created topics {} ({} partitions, replication factor {})",
          missing.stream().map(NewTopic::getName).toList(), settings.partitions(), settings.replicationFactor()));
    });
  }

  /** The name a logical topic ({@code task-events}) has on the broker. */
  public String topicName(String topic) {
    return settings.topicPrefix() + topic;
  }

  @Override
  public Future<Void> publish(List<OutboxRecord> records) {
    List<Future<?>> sends = new ArrayList<>(records.size());
    for (OutboxRecord record : records) {
      KafkaProducerRecord<String, String> kafkaRecord =
        KafkaProducerRecord.create(topicName(record.topic()), record.key(), record.event().encode());
      kafkaRecord.addHeader(CONTENT_TYPE_HEADER, TaskflowEvent.CONTENT_TYPE);
      sends.add(producer.send(kafkaRecord));
    }
    return Future.all(sends).mapEmpty();
  }

  @Override
  public Future<Void> check() {
    return admin.describeCluster()
      .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .mapEmpty();
  }

  /**
   * Subscribes after making sure the topic and its dead-letter topic exist (auto-creation is off, and a record that
   * cannot reach its DLQ would hold its partition).
   */
  @Override
  public Future<Void> subscribe(String topic, String group, EventHandler handler) {
    return ensureTopics(List.of(topic)).compose(v -> {
      Subscription subscription = new Subscription(topicName(topic), group, handler);
      subscriptions.add(subscription);
      return subscription.start()
        .onFailure(error -> subscriptions.remove(subscription));
    });
  }

  /** Stops every subscription (waiting for their offset commits), then the producer and the admin client. */
  @Override
  public Future<Void> close() {
    List<Future<?>> consumers = subscriptions.stream().<Future<?>>map(Subscription::close).toList();
    subscriptions.clear();
    return Future.join(consumers)
      .transform(v -> producer.close(PRODUCER_CLOSE_MS))
      .transform(v -> admin.close(ADMIN_CLOSE_MS))
      .mapEmpty();
  }

  private static boolean alreadyExists(Throwable error) {
    return error instanceof TopicExistsException || error.getCause() instanceof TopicExistsException;
  }

  private static Map<String, String> producerConfig(KafkaSettings settings) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", settings.bootstrap());
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.in.flight.requests.per.connection", "5");
    config.put("linger.ms", "1");
    return config;
  }

  private static Map<String, String> adminConfig(KafkaSettings settings) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", settings.bootstrap());
    config.put("request.timeout.ms", "5000");
    config.put("default.api.timeout.ms", "15000");
    return config;
  }

  private Map<String, String> consumerConfig(String group) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", settings.bootstrap());
    config.put("group.id", group);
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("max.poll.records", Integer.toString(MAX_POLL_RECORDS));
    return config;
  }

  /** Thrown into a retry chain when its subscription closed: the event is neither dead-lettered nor committed. */
  private static final class SubscriptionClosed extends RuntimeException {
    SubscriptionClosed() {
      super("subscription closed", null, false, false);
    }
  }

  /**
   * One consumer in one group on one topic. The stream is driven by demand: one record is fetched, handled (with
   * retries, or dead-lettered), its offset committed, then the next one is fetched. While a record is being handled
   * nothing else is delivered, so every partition is processed in order.
   */
  private final class Subscription {

    private final String topic;
    private final String deadLetterTopic;
    private final String group;
    private final EventHandler handler;
    private final KafkaConsumer<String, String> consumer;
    private volatile boolean closed;

    Subscription(String topic, String group, EventHandler handler) {
      this.topic = topic;
      this.deadLetterTopic = Topics.deadLetter(topic);
      this.group = group;
      this.handler = handler;
      this.consumer = KafkaConsumer.create(vertx, consumerConfig(group), String.class, String.class);
    }

    Future<Void> start() {
      consumer.pause();
      consumer.exceptionHandler(error -> LOG.warn("Consumer of {} in group {} failed", topic, group, error));
      consumer.handler(this::onRecord);
      return consumer.subscribe(topic)
        .onSuccess(v -> {
          LOG.info("Group {} subscribed to {}", group, topic);
          consumer.fetch(1);
        });
    }

    private void onRecord(KafkaConsumerRecord<String, String> record) {
      handle(record)
        .onSuccess(v -> {
          commit(record);
          if (!closed) {
            consumer.fetch(1);
          }
        })
        .onFailure(error -> {
          if (!(error instanceof SubscriptionClosed)) {
            LOG.error("Group {} stopped at {}-{}@{}", group, record.topic(), record.partition(), record.offset(), error);
          }
        });
    }

    /** Succeeds when the record was handled or dead-lettered, i.e. when its offset may be committed. */
    private Future<Void> handle(KafkaConsumerRecord<String, String> record) {
      TaskflowEvent event;
      try {
        event = TaskflowEvent.fromJson(new JsonObject(record.value()));
      } catch (RuntimeException e) {
        return deadLetter(record, "not a Taskflow CloudEvent: " + e, 1);
      }
      return attempt(event, record, 1)
        .recover(error -> error instanceof SubscriptionClosed
          ? Future.failedFuture(error)
          : deadLetter(record, "handler failed " + settings.retryAttempts() + " times, last: " + error, 1));
    }

    private Future<Void> attempt(TaskflowEvent event, KafkaConsumerRecord<String, String> record, int attempt) {
      if (closed) {
        return Future.failedFuture(new SubscriptionClosed());
      }
      return invoke(event).recover(error -> {
        if (attempt >= settings.retryAttempts()) {
          return Future.failedFuture(error);
        }
        long delay = settings.backoff(attempt).toMillis();
        LOG.warn("Group {} failed on event {} ({}-{}@{}), attempt {} of {}, retrying in {} ms: {}", group, event.id(),
          record.topic(), record.partition(), record.offset(), attempt, settings.retryAttempts(), delay,
          error.toString());
        return later(delay).compose(v -> attempt(event, record, attempt + 1));
      });
    }

    private Future<Void> invoke(TaskflowEvent event) {
      try {
        Future<Void> result = handler.handle(event);
        return result != null ? result : Future.failedFuture(new NullPointerException("handler returned null"));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    /** Publishes the record unchanged to the dead-letter topic; retries (backing off) until the broker takes it. */
    private Future<Void> deadLetter(KafkaConsumerRecord<String, String> record, String reason, int attempt) {
      if (closed) {
        return Future.failedFuture(new SubscriptionClosed());
      }
      KafkaProducerRecord<String, String> dead = KafkaProducerRecord.create(deadLetterTopic, record.key(), record.value());
      for (KafkaHeader header : record.headers()) {
        dead.addHeader(header);
      }
      dead.addHeader(DLQ_REASON_HEADER, reason);
      dead.addHeader(DLQ_SOURCE_HEADER, group + " " + record.topic() + "-" + record.partition() + "@" + record.offset());
      return producer.send(dead)
        .<Void>map(metadata -> {
          LOG.error("Group {} dead-lettered {}-{}@{} (key {}) to {}: {}", group, record.topic(), record.partition(),
            record.offset(), record.key(), deadLetterTopic, reason);
          return null;
        })
        .recover(error -> {
          long delay = settings.backoff(attempt).toMillis();
          LOG.warn("Cannot dead-letter {}-{}@{} to {}, retrying in {} ms: {}", record.topic(), record.partition(),
            record.offset(), deadLetterTopic, delay, error.toString());
          return later(delay).compose(v -> deadLetter(record, reason, attempt + 1));
        });
    }

    /**
     * Commits the offset after the record. Not awaited: the Kafka client completes an asynchronous commit on its next
     * poll, and closing the consumer waits for pending commits.
     */
    private void commit(KafkaConsumerRecord<String, String> record) {
      consumer.commit(Map.of(new TopicPartition(record.topic(), record.partition()),
          new OffsetAndMetadata(record.offset() + 1, "")))
        .onFailure(error -> LOG.warn("Group {} could not commit {}-{}@{} (it may be delivered again): {}", group,
          record.topic(), record.partition(), record.offset() + 1, error.toString()));
    }

    private Future<Void> later(long delayMs) {
      Promise<Void> promise = Promise.promise();
      vertx.setTimer(Math.max(1, delayMs), id -> promise.complete());
      return promise.future();
    }

    Future<Void> close() {
      closed = true;
      return consumer.close()
        .onSuccess(v -> LOG.info("Group {} unsubscribed from {}", group, topic));
    }
  }
}
