package io.simstream.api.registry;

import io.simstream.api.error.BackendUnavailableException;
import io.simstream.config.KafkaClientProperties;
import io.simstream.kafka.CompactedTopicView;
import io.simstream.kafka.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A compacted topic used as a small key-value store: reads come from an in-memory view, writes go
 * to Kafka and return only once the view has them (read-your-writes), so a client that created a
 * run can query it at once, and every other reader of the topic (the indexer) sees the same state.
 */
public final class CompactedTopicStore<V> implements KeyValueStore<V>, AutoCloseable {
  /** How long a write may take, acknowledgement and view catch-up together, before it is a 503. */
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

  private final Topic<String, V> topic;
  private final CompactedTopicView<V> view;
  private final KafkaProducer<String, V> producer;

  public CompactedTopicStore(KafkaClientProperties kafka, Topic<String, V> topic) {
    this.topic = topic;
    this.view = new CompactedTopicView<>(kafka, topic);
    Map<String, Object> props = kafka.orderedProducerMap();
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(WRITE_TIMEOUT.toMillis()));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(WRITE_TIMEOUT.toMillis()));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(WRITE_TIMEOUT.toMillis() / 2));
    props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    this.producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  @Override
  public Optional<V> get(String key) {
    return view.get(key);
  }

  @Override
  public Map<String, V> snapshot() {
    return view.snapshot();
  }

  @Override
  public void put(String key, V value) {
    write(List.of(new ProducerRecord<>(topic.name(), key, value)));
  }

  @Override
  public void remove(String key) {
    write(List.of(new ProducerRecord<>(topic.name(), key, null)));
  }

  @Override
  public void remove(String key, Map<String, String> headers) {
    ProducerRecord<String, V> tombstone = new ProducerRecord<>(topic.name(), key, null);
    headers.forEach((name, value) -> tombstone.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
    write(List.of(tombstone));
  }

  /**
   * Moves a value to a new key: the new record first, then the tombstone of the old key. One
   * partition per store topic keeps that order, so a reader never sees the value vanish.
   */
  @Override
  public void move(String oldKey, String newKey, V value) {
    write(List.of(new ProducerRecord<>(topic.name(), newKey, value), new ProducerRecord<>(topic.name(), oldKey, null)));
  }

  /** Sends in order, then waits until the view has the records. */
  private void write(List<ProducerRecord<String, V>> records) {
    try {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      records.forEach(record -> sent.add(producer.send(record)));
      producer.flush();
      for (Future<RecordMetadata> future : sent) {
        future.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      view.awaitCaughtUp(WRITE_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw unavailable(e);
    }
  }

  /** Checks that the view runs and has read everything written so far (readiness). */
  public void awaitCaughtUp(Duration timeout) throws TimeoutException {
    view.awaitCaughtUp(timeout);
  }

  private BackendUnavailableException unavailable(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new BackendUnavailableException(BackendUnavailableException.Reason.WRITE_FAILED, "Kafka write to " + topic.name() + " failed: " + cause.getMessage(), cause);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    view.close();
  }
}
