package io.simstream.indexer;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** The Kafka Streams configuration of the indexer. */
final class IndexerStreamsConfig {
  /** Room beyond the retry budget for the flush that blocks inside an open transaction. */
  private static final int TRANSACTION_MARGIN_MS = 60_000;
  /** A crashed instance's partitions move after 10 s rather than the default 45 s (heartbeats run apart). */
  private static final int SESSION_TIMEOUT_MS = 10_000;

  private IndexerStreamsConfig() {
  }

  static Properties from(SimstreamConfig config) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(Settings.INDEXER_APPLICATION_ID));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(Settings.KAFKA_BOOTSTRAP_SERVERS));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.get(Settings.INDEXER_COMMIT_INTERVAL_MS));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.get(Settings.INDEXER_THREADS));
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.get(Settings.INDEXER_STATE_DIR));
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.get(Settings.TOPIC_REPLICATION));
    // A run record this version cannot read is skipped (logged) rather than stopping the global thread.
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    // A flush may block for the whole retry budget while its transaction is open.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        config.get(Settings.INDEXER_RETRY_MAX_MS) + TRANSACTION_MARGIN_MS);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
    return props;
  }
}
