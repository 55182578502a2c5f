package io.simstream.indexer;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.indexer.state.SampleStoreRocksDbConfig;
import io.simstream.kafka.Topics;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** The Kafka Streams configuration of the indexer. */
final class IndexerStreamsConfig {
  /**
   * A crashed instance's open transaction holds the restore of its changelogs on whichever instance takes
   * its tasks until the transaction times out (its id dies with the instance's state directory): with the
   * old timeout, the retry budget plus a minute, a takeover waited 3 minutes. Commits come every
   * {@code indexer.commit-interval-ms} and a record waits at most {@code ChangeProcessor.CAPACITY_WAIT} for
   * room, so a live transaction stays far below this.
   */
  static final int TRANSACTION_TIMEOUT_MS = 15_000;
  private static final int PRODUCER_RETRY_BACKOFF_MS = 10;
  /**
   * Sample states are kilobytes each (a 512-d vector is 2 KB): the default 16 KB batch holds a handful, so
   * the changelog went to the broker in hundreds of small requests a second per partition.
   */
  static final int PRODUCER_BATCH_BYTES = 512 * 1024;
  private static final long CHANGELOG_SEGMENT_MS = 10 * 60_000L;
  private static final int CHANGELOG_SEGMENT_BYTES = 64 * 1024 * 1024;
  private static final long CHANGELOG_DELETE_RETENTION_MS = 60 * 60_000L;
  /**
   * How often a new instance's warm-up replicas are checked for having caught up, to take their tasks: Kafka's
   * minimum, where its default (10 min) left a second instance without work for 10 minutes after it joined.
   */
  static final long PROBING_REBALANCE_INTERVAL_MS = 60_000;
  /**
   * How far behind a task's changelogs an instance may be and still get the task at once, restoring the rest
   * before it processes; further behind, it warms up and waits for a probing rebalance (a minute at least).
   * A new instance's lag is the end offsets of all the task's changelogs summed: every sample state, outbox put
   * and tombstone and transaction marker ever written, compacted away or not, 1.2-2.1 per change event. Kafka's
   * default (10,000) thus sent a second instance through a warm-up after 5,000-8,000 events a partition.
   * A restore reads at most this many records, fewer once compaction has run: ScaleOutIT's new instance
   * restored 30,000 sample states of 2 KB and 32,000 outbox records in about a second on two cores, so a task
   * behind by this much restores in seconds.
   */
  static final long ACCEPTABLE_RECOVERY_LAG = 100_000;
  /** A crashed instance's partitions move after 10 s rather than the default 45 s (heartbeats run apart). */
  private static final int SESSION_TIMEOUT_MS = 10_000;

  /**
   * The restore consumer's long poll: a fetch waiting on changelogs already read keeps the next task's
   * changelogs from being fetched until it returns, which spaced a restart's task restores 0.5 s apart.
   */
  static final int RESTORE_FETCH_MAX_WAIT_MS = 50;

  private IndexerStreamsConfig() {
  }

  /** One warm-up per task of the change topic, never fewer than Kafka's default. */
  static int maxWarmupReplicas(int partitions) {
    return Math.max(2, partitions);
  }

  static Properties from(SimstreamConfig config) {
    // Unprefixed client properties reach every client Kafka Streams creates (consumers, producers, admin).
    Properties props = config.kafkaClientProperties().asProperties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(Settings.INDEXER_APPLICATION_ID));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.get(Settings.INDEXER_PROCESSING_GUARANTEE));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.get(Settings.INDEXER_COMMIT_INTERVAL_MS));
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.get(Settings.INDEXER_THREADS));
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.get(Settings.INDEXER_STATE_DIR));
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.get(Settings.TOPIC_REPLICATION));
    // A run record this version cannot read is skipped (logged) rather than stopping the global thread.
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), TRANSACTION_TIMEOUT_MS);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
    props.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, PROBING_REBALANCE_INTERVAL_MS);
    props.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, ACCEPTABLE_RECOVERY_LAG);
    // Kafka's 2 warm-ups at a time would leave a new instance's third task (6 partitions, one instance to two)
    // for a later probe; every task may warm at once, as all must be read before the share moves anyway.
    props.put(StreamsConfig.MAX_WARMUP_REPLICAS_CONFIG, maxWarmupReplicas(config.get(Settings.TOPIC_PARTITIONS)));
    String instanceId = config.get(Settings.INDEXER_INSTANCE_ID);
    if (!instanceId.isBlank()) {
      // Kafka Streams suffixes it per stream thread.
      props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId.trim());
    }
    props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), RESTORE_FETCH_MAX_WAIT_MS);
    // A failed thread keeps its stores instead of wiping and restoring them from the changelogs.
    props.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
    // Changelogs roll segments often so compaction keeps what a restore reads near the live size.
    props.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_MS_CONFIG), CHANGELOG_SEGMENT_MS);
    props.put(StreamsConfig.topicPrefix(TopicConfig.SEGMENT_BYTES_CONFIG), CHANGELOG_SEGMENT_BYTES);
    props.put(StreamsConfig.topicPrefix(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG), 0);
    props.put(StreamsConfig.topicPrefix(TopicConfig.DELETE_RETENTION_MS_CONFIG), CHANGELOG_DELETE_RETENTION_MS);
    // Dead letters of changes near the broker's 1 MB limit and large sample states must fit (see SampleState).
    props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), Topics.MAX_RECORD_BYTES);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_RECORD_BYTES);
    // The first send of each transaction meets CONCURRENT_TRANSACTIONS while the previous commit's
    // markers are written; the default 100 ms retry backoff then stalls every commit cycle.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), PRODUCER_RETRY_BACKOFF_MS);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, SampleStoreRocksDbConfig.class);
    return props;
  }
}
