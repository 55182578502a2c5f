package io.simstream.kafka;

import io.simstream.config.KafkaClientProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest value of every key of a compacted topic, kept in memory by a background consumer.
 * {@link #awaitCaughtUp} gives read-your-writes: after a producer's send was acknowledged, waiting
 * for the view to reach the topic's end offsets makes the write visible.
 */
public final class CompactedTopicView<V> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicView.class);

  private final Topic<String, V> topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, V> values = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
  private final List<TopicPartition> consumerPartitions;
  // One admin client for every catch-up check: a consumer per check was costly on hot paths.
  private final Admin admin;
  private final Thread poller;
  private volatile boolean running = true;

  public CompactedTopicView(KafkaClientProperties kafka, Topic<String, V> topic) {
    this.topic = topic;
    Map<String, Object> props = kafka.asMap();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Values are decoded one by one below, so that one unreadable record is skipped, not fatal.
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.admin = Admin.create(kafka.asMap());
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    this.consumerPartitions = partitions;
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.poller = new Thread(this::poll, "view-" + topic.name());
    poller.setDaemon(true);
    poller.start();
  }

  private void poll() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          apply(record);
        }
        for (TopicPartition partition : consumer.assignment()) {
          positions.put(partition, consumer.position(partition));
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("View of {} stopped unexpectedly", topic.name(), e);
      }
    } catch (RuntimeException e) {
      LOG.error("View of {} failed", topic.name(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    if (record.key() == null) {
      LOG.warn("Skipped a record without key in {} at offset {}", topic.name(), record.offset());
      return;
    }
    if (record.value() == null) {
      values.remove(record.key());
      return;
    }
    try {
      values.put(record.key(), topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
    } catch (RuntimeException e) {
      LOG.warn("Skipped unreadable record '{}' in {} at offset {}: {}", record.key(), topic.name(), record.offset(),
          e.toString());
    }
  }

  public Optional<V> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** A snapshot of all current values. */
  public Map<String, V> snapshot() {
    return Map.copyOf(values);
  }

  /** Waits until everything written to the topic before this call is in the view. */
  public void awaitCaughtUp(Duration timeout) throws TimeoutException {
    Map<TopicPartition, Long> ends = endOffsets(timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
      if (!poller.isAlive()) {
        throw new IllegalStateException("the view of " + topic.name() + " has stopped");
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("view of " + topic.name() + " did not catch up within " + timeout);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted");
      }
    }
  }

  private Map<TopicPartition, Long> endOffsets(Duration timeout) throws TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    positions.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    if (latest.isEmpty()) {
      consumerPartitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    }
    try {
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((partition, info) -> ends.put(partition, info.offset()));
      return ends;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the end offsets of " + topic.name(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      poller.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(5));
  }
}
