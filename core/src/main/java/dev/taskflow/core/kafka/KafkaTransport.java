package dev.taskflow.core.kafka;

import dev.taskflow.core.consumer.Retrier;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.management.ConsumerMembership;
import dev.taskflow.core.transport.BatchEventHandler;
import dev.taskflow.core.transport.EventHandler;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.admin.TopicDescription;
import io.vertx.kafka.client.common.TopicPartitionInfo;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.InvalidMetadataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The Kafka transport: publishes outbox records with an idempotent producer ({@code acks=all}) and delivers a topic's
 * events to a handler in order within each partition (concurrently across partitions, in batches when the handler
 * takes them), committing each offset only after the handler succeeded.
 *
 * <p>Records: key = the user id, value = the structured-mode CloudEvent JSON, header
 * {@code content-type: application/cloudevents+json}. A handler that fails is retried by a {@link Retrier}: a transient
 * failure (database down, connection cut, timeout) for as long as it lasts, with the partition paused and nothing
 * committed past the event, so an outage only delays the effect; any other failure
 * {@link KafkaSettings#retryAttempts()} times in all. After that, and at once for a value that is not a CloudEvent,
 * the record goes unchanged (same key, same value, headers added to say why) to {@code <topic>.dlq} and its offset is
 * committed, so a poison event never blocks its partition nor comes back after a restart.
 *
 * <p>Group membership: a member that dies is noticed after {@link KafkaSettings#sessionTimeoutMs()} (Kafka's default of
 * 45 s held every partition of a crashed process that long). With {@link KafkaSettings#groupInstanceId()} set (stable
 * per process or pod) membership is static: a restarted process gets its partitions back at once, without waiting for
 * the session to expire or a rebalance of the others.
 *
 * <p>Every topic name is prefixed with {@link KafkaSettings#topicPrefix()} ({@code ""} in production).
 */
public final class KafkaTransport implements EventPublisher, EventSubscriber {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);

  public static final String CONTENT_TYPE_HEADER = "content-type";
  public static final String DLQ_REASON_HEADER = "taskflow-dlq-reason";
  public static final String DLQ_SOURCE_HEADER = "taskflow-dlq-source";
  /** How many records one poll may bring. */
  static final int MAX_POLL_RECORDS = 200;
  /** Records a subscription has fetched and not yet handled, over all its partitions. */
  static final int MAX_BUFFERED = 400;
  /** The most records of one partition handed to a {@link BatchEventHandler} at once. */
  static final int MAX_BATCH = 100;
  /** How long a handled record's offset may wait to be committed with the others (see Subscription#commit). */
  static final long COMMIT_INTERVAL_MS = 100;
  private static final long CHECK_TIMEOUT_MS = 3_000;
  /** How long closing waits for unacknowledged sends; what is still unsent then stays in the outbox. */
  private static final long PRODUCER_CLOSE_MS = 5_000;
  private static final long ADMIN_CLOSE_MS = 1_000;
  private static final long LEADERS_WAIT_S = 30;
  private static final long LEADERS_POLL_MS = 50;

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
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LEADERS_WAIT_S);
      if (missing.isEmpty()) {
        // another process may have created them a moment ago
        return awaitLeaders(wanted, deadline);
      }
      List<String> names = missing.stream().map(NewTopic::getName).toList();
      return admin.createTopics(missing)
        .recover(error -> alreadyExists(error) ? Future.succeededFuture() : Future.failedFuture(error))
        .compose(v -> awaitLeaders(wanted, deadline))
        .onSuccess(v -> LOG.info("Created topics {} ({} partitions, replication factor {})",
          names, settings.partitions(), settings.replicationFactor()));
    });
  }

  /**
   * Waits until every partition of the topics has a leader that serves it. A publish to a partition whose leader is
   * still being elected is answered NOT_LEADER_OR_FOLLOWER, and the idempotent producer's retry of that first batch can
   * then be refused as out of sequence until the delivery timeout (seen on the embedded broker, right after creation).
   * The metadata names a leader before that broker has taken the partition on (KRaft publishes the change first), so a
   * leader in the metadata is not enough: each partition's latest offset must be answered, which only its serving
   * leader does.
   */
  private Future<Void> awaitLeaders(List<String> names, long deadline) {
    return admin.describeTopics(names)
      .compose(topics -> {
        boolean led = topics.size() == names.size() && topics.values().stream()
          .flatMap(topic -> topic.getPartitions().stream())
          .allMatch(partition -> partition.getLeader() != null && !partition.getLeader().isEmpty());
        return led ? served(topics.values()) : Future.succeededFuture(false);
      })
      .recover(error -> notYetLed(error) ? Future.succeededFuture(false) : Future.failedFuture(error))
      .compose(led -> {
        if (led) {
          return Future.succeededFuture();
        }
        if (System.nanoTime() > deadline) {
          return Future.failedFuture(new IllegalStateException("Topics " + names + " have partitions without a leader "
            + "after " + LEADERS_WAIT_S + " s"));
        }
        Promise<Void> again = Promise.promise();
        vertx.setTimer(LEADERS_POLL_MS, id -> awaitLeaders(names, deadline).onComplete(again));
        return again.future();
      });
  }

  /** True once the leader of every partition has answered its latest offset. */
  private Future<Boolean> served(Collection<TopicDescription> topics) {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (TopicDescription topic : topics) {
      for (TopicPartitionInfo partition : topic.getPartitions()) {
        partitions.put(new TopicPartition(topic.getName(), partition.getPartition()), OffsetSpec.LATEST);
      }
    }
    return admin.listOffsets(partitions).map(offsets -> offsets.size() == partitions.size());
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

  /** A topic just created is not known to every broker at once (unknown topic, no leader, not the leader yet). */
  private static boolean notYetLed(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return error instanceof InvalidMetadataException || cause instanceof InvalidMetadataException;
  }

  private static Map<String, String> producerConfig(KafkaSettings settings) {
    Map<String, String> config = new HashMap<>(settings.client());
    config.put("bootstrap.servers", settings.bootstrap());
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("max.in.flight.requests.per.connection", "5");
    config.put("linger.ms", "1");
    return config;
  }

  private static Map<String, String> adminConfig(KafkaSettings settings) {
    Map<String, String> config = new HashMap<>(settings.client());
    config.put("bootstrap.servers", settings.bootstrap());
    config.put("request.timeout.ms", "5000");
    config.put("default.api.timeout.ms", "15000");
    return config;
  }

  private Map<String, String> consumerConfig(String group, String instanceId) {
    Map<String, String> config = new HashMap<>(settings.client());
    config.put("bootstrap.servers", settings.bootstrap());
    config.put("group.id", group);
    if (instanceId != null) {
      config.put("group.instance.id", instanceId);
    }
    config.put("session.timeout.ms", Long.toString(settings.sessionTimeoutMs()));
    config.put("heartbeat.interval.ms", Long.toString(Math.max(100, settings.sessionTimeoutMs() / 4)));
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("max.poll.records", Integer.toString(MAX_POLL_RECORDS));
    return config;
  }

  /**
   * One consumer in one group on one topic. Records are handled in order within each partition and concurrently
   * across partitions: each partition has a lane that takes whatever has queued up for it (up to
   * {@link #MAX_BATCH}), hands it to a {@link BatchEventHandler} as one batch (or record by record to a plain
   * handler), commits the offset after it (within {@link #COMMIT_INTERVAL_MS}), and goes on. At most
   * {@link #MAX_BUFFERED} records are fetched and not yet done, so a partition stuck in retries holds back only what it
   * has buffered.
   *
   * <p>Its state (lanes, offsets waiting to be committed) is touched only on the context of the verticle that created
   * the transport: the consumer's handlers, the commit timer and the handlers' futures all complete there, as long as a
   * handler completes its future on that context (a pool or producer of the same verticle does).
   */
  private final class Subscription {

    private final String topic;
    private final String deadLetterTopic;
    private final String group;
    private final EventHandler handler;
    private final KafkaConsumer<String, String> consumer;
    private final Map<TopicPartition, Lane> lanes = new HashMap<>();
    /** Offsets handled and not yet committed, by partition; {@code commitPending}: a timer will commit them. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private boolean commitPending;
    /** A record was just dead-lettered: its offset is committed at once, so a restart does not dead-letter it again. */
    private boolean commitNow;
    private volatile boolean closed;
    private final Retrier retrier;
    /** A batch that fails for a reason that is not transient is split at once, to find the record at fault. */
    private final Retrier batchRetrier;
    /** This consumer's static group member id, or null. */
    private final String instanceId;

    Subscription(String topic, String group, EventHandler handler) {
      this.topic = topic;
      this.deadLetterTopic = Topics.deadLetter(topic);
      this.group = group;
      this.handler = handler;
      this.retrier = new Retrier(vertx, settings.retry(), group);
      this.batchRetrier = new Retrier(vertx, settings.retry().withAttempts(1), group);
      this.instanceId = settings.groupInstanceId().isEmpty() ? null : StaticMembers.acquire(settings.groupInstanceId(),
        group, topic);
      this.consumer = KafkaConsumer.create(vertx, consumerConfig(group, instanceId), String.class, String.class);
    }

    /** This consumer's name in {@link ConsumerMembership} (unique in the process). */
    private String membershipName() {
      return group + " on " + topic + (instanceId != null ? " as " + instanceId : " #" + System.identityHashCode(this));
    }

    Future<Void> start() {
      consumer.pause();
      consumer.exceptionHandler(error -> LOG.warn("Consumer of {} in group {} failed", topic, group, error));
      consumer.partitionsRevokedHandler(this::revoked);
      consumer.partitionsAssignedHandler(partitions -> ConsumerMembership.joined(vertx, membershipName()));
      ConsumerMembership.joining(vertx, membershipName());
      consumer.handler(this::onRecord);
      return consumer.subscribe(topic)
        .onSuccess(v -> {
          LOG.info("Group {} subscribed to {}", group, topic);
          consumer.fetch(MAX_BUFFERED);
        })
        .onFailure(error -> {
          ConsumerMembership.left(vertx, membershipName());
          if (instanceId != null) {
            StaticMembers.release(group, instanceId);
          }
        });
    }

    private void onRecord(KafkaConsumerRecord<String, String> record) {
      lanes.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), Lane::new).add(record);
    }

    /**
     * Forgets what was buffered for partitions that moved to another member: it reads them again from the last
     * committed offset. A batch in flight finishes without committing.
     */
    private void revoked(Set<TopicPartition> partitions) {
      uncommitted.keySet().removeAll(partitions);
      for (TopicPartition partition : partitions) {
        Lane lane = lanes.remove(partition);
        if (lane != null) {
          lane.revoke();
        }
      }
    }

    /** {@code count} buffered records are done with: ask for as many more. */
    private void done(int count) {
      if (!closed && count > 0) {
        consumer.fetch(count);
      }
    }

    /**
     * One partition's records, handled one batch at a time, in offset order. While a batch fails transiently the
     * partition is paused (nothing more is fetched for it, so it does not fill the subscription's buffer the other
     * partitions share) and resumed when the batch is done.
     */
    private final class Lane {

      private final TopicPartition partition;
      private final ArrayDeque<KafkaConsumerRecord<String, String>> queue = new ArrayDeque<>();
      private boolean busy;
      private boolean revoked;
      private boolean paused;

      Lane(TopicPartition partition) {
        this.partition = partition;
      }

      void add(KafkaConsumerRecord<String, String> record) {
        queue.add(record);
        drain();
      }

      void revoke() {
        revoked = true;
        int dropped = queue.size();
        queue.clear();
        done(dropped);
      }

      /** Still this consumer's to handle: not closed, not moved to another member. */
      private boolean active() {
        return !closed && !revoked;
      }

      private void pauseFetching() {
        if (!paused && active()) {
          paused = true;
          consumer.pause(Set.of(partition));
        }
      }

      private void resumeFetching() {
        if (paused) {
          paused = false;
          if (active()) {
            consumer.resume(Set.of(partition));
          }
        }
      }

      private void drain() {
        if (busy || queue.isEmpty() || closed) {
          return;
        }
        busy = true;
        List<KafkaConsumerRecord<String, String>> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
        while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(queue.poll());
        }
        process(batch).onComplete(result -> {
          busy = false;
          resumeFetching();
          if (result.failed()) {
            if (!(result.cause() instanceof Retrier.Stopped)) {
              LOG.error("Group {} stopped at {} offset {}", group, partition, batch.get(0).offset(), result.cause());
            }
            return;
          }
          done(batch.size());
          drain();
        });
      }

      /**
       * Handles the batch at once when the handler can (retrying it while it fails transiently), else, or when it fails
       * otherwise, record by record, so that only the record at fault goes to the dead-letter topic.
       */
      private Future<Void> process(List<KafkaConsumerRecord<String, String>> batch) {
        List<TaskflowEvent> events = batch.size() > 1 && handler instanceof BatchEventHandler ? parse(batch) : null;
        if (events == null) {
          return oneByOne(batch, 0);
        }
        String what = "a batch of " + batch.size() + " events at " + partition + " offset " + batch.get(0).offset();
        return batchRetrier.run(what, () -> ((BatchEventHandler) handler).handleBatch(events), this::active,
            this::pauseFetching)
          .<Void>map(v -> {
            commit(batch.get(batch.size() - 1));
            return null;
          })
          .recover(error -> {
            if (!(error instanceof Retrier.GaveUp)) {
              return Future.failedFuture(error);
            }
            LOG.warn("Group {} failed on {}, handling them one by one: {}", group, what, error.getCause().toString());
            return oneByOne(batch, 0);
          });
      }

      private Future<Void> oneByOne(List<KafkaConsumerRecord<String, String>> batch, int from) {
        if (from == batch.size()) {
          return Future.succeededFuture();
        }
        KafkaConsumerRecord<String, String> record = batch.get(from);
        return handle(record).compose(v -> {
          commit(record);
          return oneByOne(batch, from + 1);
        });
      }

      /** Succeeds when the record was handled or dead-lettered, i.e. when its offset may be committed. */
      private Future<Void> handle(KafkaConsumerRecord<String, String> record) {
        TaskflowEvent event;
        try {
          event = TaskflowEvent.decode(record.value());
        } catch (RuntimeException e) {
          return deadLetter(record, "not a Taskflow CloudEvent: " + e, 1);
        }
        String what = "event " + event.id() + " (" + record.topic() + "-" + record.partition() + "@" + record.offset()
          + ")";
        return retrier.run(what, () -> handler.handle(event), this::active, this::pauseFetching)
          .recover(error -> error instanceof Retrier.GaveUp
            ? deadLetter(record, error.getMessage(), 1)
            : Future.failedFuture(error));
      }

      /** Commits the offset after the record (soon: see {@link Subscription#commit}), unless the partition moved. */
      private void commit(KafkaConsumerRecord<String, String> record) {
        if (!revoked) {
          Subscription.this.commit(partition, record.offset() + 1);
        }
      }
    }

    /**
     * Commits {@code next} for the partition within {@link #COMMIT_INTERVAL_MS}, together with every other partition's
     * newest offset. A commit per batch and lane (the client commits synchronously) had the broker append to
     * {@code __consumer_offsets} every few events, about as much broker work as producing the events; committing a
     * little later only widens what a crash or a rebalance redelivers, and a redelivered event changes nothing (the
     * handlers are idempotent). Closing commits what is left.
     */
    private void commit(TopicPartition partition, long next) {
      uncommitted.put(partition, new OffsetAndMetadata(next, ""));
      if (commitNow) {
        commitNow = false;
        commitUncommitted();
        return;
      }
      if (!commitPending) {
        commitPending = true;
        vertx.setTimer(COMMIT_INTERVAL_MS, id -> {
          commitPending = false;
          if (!closed) {
            commitUncommitted();
          }
        });
      }
    }

    /**
     * Commits the offsets waiting; a failed commit puts back those no newer offset has replaced, for partitions still
     * this consumer's, so the next commit carries them.
     */
    private Future<Void> commitUncommitted() {
      if (uncommitted.isEmpty()) {
        return Future.succeededFuture();
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(uncommitted);
      uncommitted.clear();
      return consumer.commit(offsets).<Void>mapEmpty().recover(error -> {
        LOG.warn("Group {} could not commit {} (they may be delivered again): {}", group, offsets, error.toString());
        offsets.forEach((partition, offset) -> {
          if (lanes.containsKey(partition)) {
            uncommitted.putIfAbsent(partition, offset);
          }
        });
        return Future.failedFuture(error);
      });
    }

    /** The batch's events, or null when one of them is not a Taskflow CloudEvent (it goes the one-by-one way). */
    private List<TaskflowEvent> parse(List<KafkaConsumerRecord<String, String>> batch) {
      List<TaskflowEvent> events = new ArrayList<>(batch.size());
      for (KafkaConsumerRecord<String, String> record : batch) {
        try {
          events.add(TaskflowEvent.decode(record.value()));
        } catch (RuntimeException e) {
          return null;
        }
      }
      return events;
    }

    /** Publishes the record unchanged to the dead-letter topic; retries (backing off) until the broker takes it. */
    private Future<Void> deadLetter(KafkaConsumerRecord<String, String> record, String reason, int attempt) {
      if (closed) {
        return Future.failedFuture(Retrier.Stopped.INSTANCE);
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
          commitNow = true;
          return null;
        })
        .recover(error -> {
          long delay = settings.backoff(attempt).toMillis();
          LOG.warn("Cannot dead-letter {}-{}@{} to {}, retrying in {} ms: {}", record.topic(), record.partition(),
            record.offset(), deadLetterTopic, delay, error.toString());
          return later(delay).compose(v -> deadLetter(record, reason, attempt + 1));
        });
    }

    private Future<Void> later(long delayMs) {
      Promise<Void> promise = Promise.promise();
      vertx.setTimer(Math.max(1, delayMs), id -> promise.complete());
      return promise.future();
    }

    /**
     * Commits the offsets still waiting for their timer, then closes the consumer: only after the commit, because
     * closing wakes the consumer's thread up, and a wake-up that lands on a queued commit fails it. A batch still in
     * flight finishes without committing; its events come again to the next consumer, which finds them processed.
     */
    Future<Void> close() {
      closed = true;
      return commitUncommitted()
        .transform(committed -> consumer.close())
        .eventually(() -> {
          ConsumerMembership.left(vertx, membershipName());
          if (instanceId != null) {
            StaticMembers.release(group, instanceId);
          }
          return Future.succeededFuture();
        })
        .onSuccess(v -> LOG.info("Group {} unsubscribed from {}", group, topic));
    }
  }
}
