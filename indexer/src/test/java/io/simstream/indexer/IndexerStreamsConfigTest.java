package io.simstream.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.ConfigException;
import io.simstream.config.SimstreamConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** What Kafka Streams makes of the indexer's properties, read back through its own config resolution. */
class IndexerStreamsConfigTest {
  private final StreamsConfig streams = new StreamsConfig(IndexerStreamsConfig.from(SimstreamConfig.load(Map.of())));

  @Test
  void onlyTheRestoreConsumerPollsShort() {
    assertThat(streams.getRestoreConsumerConfigs("client").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isEqualTo(IndexerStreamsConfig.RESTORE_FETCH_MAX_WAIT_MS);
    // The main consumer idles on its long poll: a short one would spin on quiet partitions.
    assertThat(streams.getMainConsumerConfigs("group", "client", 0).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isNotEqualTo(IndexerStreamsConfig.RESTORE_FETCH_MAX_WAIT_MS);
  }

  @Test
  void changelogsGoOutInBatchesOfManySampleStates() {
    assertThat((int) streams.getProducerConfigs("client").get(ProducerConfig.BATCH_SIZE_CONFIG))
        .isGreaterThanOrEqualTo(100 * 2 * 1024);
  }

  /** A takeover after a crash waits for the dead instance's open transaction to time out. */
  @Test
  void transactionsTimeOutSoonWhateverTheRetryBudget() {
    StreamsConfig longRetries = new StreamsConfig(IndexerStreamsConfig.from(SimstreamConfig.load(
        Map.of("SIMSTREAM_INDEXER_RETRY_MAX_MS", "600000"))));
    assertThat((int) longRetries.getProducerConfigs("client").get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))
        .isLessThanOrEqualTo(15_000);
  }

  /** Kafka Streams refuses an exactly-once commit interval above the transaction timeout: the setting stops there. */
  @Test
  void theLongestCommitIntervalAllowedStartsAndALongerOneIsAConfigurationError() {
    StreamsConfig longest = new StreamsConfig(IndexerStreamsConfig.from(SimstreamConfig.load(
        Map.of("SIMSTREAM_INDEXER_COMMIT_INTERVAL_MS", String.valueOf(IndexerStreamsConfig.TRANSACTION_TIMEOUT_MS)))));
    assertThat(longest.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(IndexerStreamsConfig.TRANSACTION_TIMEOUT_MS);
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_INDEXER_COMMIT_INTERVAL_MS",
        String.valueOf(IndexerStreamsConfig.TRANSACTION_TIMEOUT_MS + 1))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SIMSTREAM_INDEXER_COMMIT_INTERVAL_MS");
  }

  /** A backfill chunk fetches its images on the stream thread, inside the task's transaction. */
  @Test
  void anImageFetchCannotOutlastTheTransaction() {
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_EMBEDDING_IMAGE_TIMEOUT_MS",
        String.valueOf(IndexerStreamsConfig.TRANSACTION_TIMEOUT_MS))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("SIMSTREAM_EMBEDDING_IMAGE_TIMEOUT_MS");
  }

  /** A new instance's caught-up warm-up replicas take their tasks at the next probe (Kafka's default: 10 min). */
  @Test
  void warmUpReplicasAreProbedEveryMinute() {
    assertThat(streams.getLong(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG)).isEqualTo(60_000L);
  }

  /**
   * A new instance's lag is every offset of a task's changelogs (1.2-2.1 per change event, outbox included):
   * Kafka's default sent it through a warm-up and a probe (62-66 s in ScaleOutIT) once a partition had 5,000-8,000
   * events. Up to the indexer's value it takes the task at the first rebalance and restores first.
   */
  @Test
  void aNewInstanceTakesTasksAtOnceUpToAHundredThousandChangelogRecords() {
    long kafkaDefault = new StreamsConfig(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "app",
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092"))
        .getLong(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG);
    assertThat(kafkaDefault).isEqualTo(10_000L);
    assertThat(streams.getLong(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG))
        .isEqualTo(IndexerStreamsConfig.ACCEPTABLE_RECOVERY_LAG).isEqualTo(100_000L);
  }

  /** Every task a new instance should take can warm up at once (Kafka's 2 would leave a third for a later probe). */
  @Test
  void everyTaskOfTheChangeTopicMayWarmUpAtOnce() {
    StreamsConfig sixPartitions = new StreamsConfig(IndexerStreamsConfig.from(SimstreamConfig.load(
        Map.of("SIMSTREAM_TOPIC_PARTITIONS", "6"))));
    assertThat(sixPartitions.getInt(StreamsConfig.MAX_WARMUP_REPLICAS_CONFIG)).isEqualTo(6);
    assertThat(streams.getInt(StreamsConfig.MAX_WARMUP_REPLICAS_CONFIG)).isEqualTo(3);
    // One partition: never below Kafka's default.
    assertThat(IndexerStreamsConfig.maxWarmupReplicas(1)).isEqualTo(2);
  }

  @Test
  void theSampleStoreConfigurationReachesKafkaStreams() {
    assertThat(streams.getClass(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(io.simstream.indexer.state.SampleStoreRocksDbConfig.class);
  }

  @Test
  void stateStoresAreTransactional() {
    assertThat(streams.getBoolean(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)).isTrue();
  }
}
