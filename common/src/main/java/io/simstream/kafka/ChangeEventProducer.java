package io.simstream.kafka;

import io.simstream.config.KafkaClientProperties;
import io.simstream.event.ChangeEvent;
import io.simstream.event.ChangeEventCodec;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends change events keyed by their sample, the only key that keeps one sample's changes in
 * order. Idempotent and acks=all, so a retried send never duplicates or reorders an event.
 */
public final class ChangeEventProducer implements AutoCloseable {
  /** An event with a 512-d vector is about 3 KB: the default 16 KB batch sent five per request. */
  static final int BATCH_BYTES = 256 * 1024;

  /**
   * Largest encoded event the change topic takes: the producer's and the broker's default limit of
   * 1 MiB per request, less room for the key and the record's framing.
   */
  public static final int MAX_EVENT_BYTES = 1024 * 1024 - 4 * 1024;

  private final KafkaProducer<String, byte[]> producer;
  private final Topic<String, byte[]> topic;

  public ChangeEventProducer(KafkaClientProperties kafka, Topic<String, byte[]> changes) {
    Map<String, Object> props = kafka.orderedProducerMap();
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
    this.producer = new KafkaProducer<>(props, changes.keySerde().serializer(), changes.valueSerde().serializer());
    this.topic = changes;
  }

  public Future<RecordMetadata> send(ChangeEvent event) {
    return producer.send(new ProducerRecord<>(topic.name(), event.key().toString(), ChangeEventCodec.encode(event)));
  }

  /** Sends bytes as they are, for producers that already hold encoded events (and for tests of bad input). */
  public Future<RecordMetadata> sendRaw(String key, byte[] value) {
    return producer.send(new ProducerRecord<>(topic.name(), key, value));
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
