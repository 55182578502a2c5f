package io.simstream.cli.produce;

import io.simstream.config.KafkaClientProperties;
import io.simstream.kafka.CompactedTopicView;
import io.simstream.kafka.Topic;
import io.simstream.run.DatasetRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The dataset's record on the compacted datasets topic, the same record the query API's
 * {@code POST /v1/datasets} writes. The indexer dead-letters events of unregistered datasets, so
 * produce checks this before sending anything.
 */
final class DatasetRegistration {
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  private final KafkaClientProperties kafka;
  private final Topic<String, DatasetRecord> datasets;

  DatasetRegistration(KafkaClientProperties kafka, Topic<String, DatasetRecord> datasets) {
    this.kafka = kafka;
    this.datasets = datasets;
  }

  boolean isRegistered(String dataset) throws TimeoutException {
    try (CompactedTopicView<DatasetRecord> view = new CompactedTopicView<>(kafka, datasets)) {
      view.awaitCaughtUp(CATCH_UP);
      return view.get(dataset).isPresent();
    }
  }

  /** Writes the record and returns once the topic acknowledged it, so events sent after it find it. */
  void register(String dataset) throws ExecutionException, InterruptedException {
    Map<String, Object> props = kafka.orderedProducerMap();
    try (KafkaProducer<String, DatasetRecord> producer =
             new KafkaProducer<>(props, datasets.keySerde().serializer(), datasets.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(datasets.name(), dataset, new DatasetRecord(dataset, Instant.now()))).get();
    }
  }
}
