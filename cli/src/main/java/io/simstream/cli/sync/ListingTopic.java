package io.simstream.cli.sync;

import io.simstream.config.KafkaClientProperties;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.SampleKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The listing of what the CLI has produced: a compacted topic named after the change topic
 * ({@code <changes>.listing}), key {@code dataset/sampleId}, value the content hash of the state
 * last sent, a tombstone once the sample was deleted. It is written only after the change topic
 * acknowledged the event, so it never lists a change that was not sent; a crash in between leaves
 * an older hash there and the next sync sends that sample again (harmless: events carry whole states).
 */
public final class ListingTopic {
  private static final String SUFFIX = ".listing";

  private final KafkaClientProperties kafka;
  private final String name;
  private final short replication;

  public ListingTopic(SimstreamConfig config) {
    this.kafka = config.kafkaClientProperties();
    this.name = config.get(Settings.TOPIC_CHANGES) + SUFFIX;
    this.replication = config.get(Settings.TOPIC_REPLICATION).shortValue();
  }

  public String name() {
    return name;
  }

  public void ensureExists() throws InterruptedException, ExecutionException {
    try (Admin admin = Admin.create(kafka.asMap())) {
      if (admin.listTopics().names().get().contains(name)) {
        return;
      }
      NewTopic topic = new NewTopic(name, 1, replication)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(topic)).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  /** Hash by sample id of every listed sample of a dataset: the whole topic is read to its end. */
  public Map<String, String> read(String dataset) {
    Map<String, Object> props = kafka.orderedProducerMap();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    String prefix = SampleKey.prefixOf(dataset);
    Map<String, String> listing = new HashMap<>();
    try (KafkaConsumer<String, String> consumer =
             new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(name).stream()
          .map(p -> new TopicPartition(name, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.key() != null && record.key().startsWith(prefix)) {
            String sampleId = record.key().substring(prefix.length());
            if (record.value() == null) {
              listing.remove(sampleId);
            } else {
              listing.put(sampleId, record.value());
            }
          }
        }
      }
    }
    return listing;
  }

  public Writer writer() {
    return new Writer();
  }

  /** Records sent changes; acks=all and idempotent like the change producer. */
  public final class Writer implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private Writer() {
      Map<String, Object> props = kafka.orderedProducerMap();
      props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
      this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** @param hash the content hash sent, or null for a deleted sample */
    public void record(String dataset, String sampleId, String hash) {
      producer.send(new ProducerRecord<>(name, new SampleKey(dataset, sampleId).toString(), hash),
          (metadata, error) -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            }
          });
    }

    /** Returns once every record is acknowledged; throws if one failed. */
    public void flush() throws ExecutionException {
      producer.flush();
      Exception error = failure.get();
      if (error != null) {
        throw new ExecutionException("listing topic " + name + " refused a record", error);
      }
    }

    @Override
    public void close() {
      producer.close();
    }
  }
}
