package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.KafkaClientProperties;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.ChangeEvent;
import io.simstream.indexer.Indexer;
import io.simstream.kafka.ChangeEventProducer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import io.simstream.servers.SecureListeners;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexer (topic creation, the datasets view, Kafka Streams with exactly-once transactions) and the change
 * producer on the embedded broker's secured listeners, configured only through SIMSTREAM_KAFKA_* variables.
 */
class SecureKafkaIT {
  private static final String DATASET = "secure";
  private static final int DIMS = 8;
  private static final Duration CONVERGED = Duration.ofSeconds(180);

  @TempDir
  Path stateDir;

  @Test
  void theIndexerIndexesAndCommitsOverSaslSsl() throws Exception {
    SecureListeners secure = secure();
    indexesAndCommits("sasl", secure.saslSslBootstrapServers(),
        KafkaClientProperties.environmentOf(secure.saslSslClientProperties(secure.scramPassword())));
  }

  @Test
  void theIndexerIndexesAndCommitsOverMutualTls() throws Exception {
    SecureListeners secure = secure();
    indexesAndCommits("mtls", secure.sslBootstrapServers(),
        KafkaClientProperties.environmentOf(secure.mutualTlsClientProperties()));
  }

  @Test
  void aWrongPasswordStopsTheStartWithTheBrokersReason() {
    SecureListeners secure = secure();
    SimstreamConfig config =
        SimstreamConfig.load(KafkaClientProperties.environmentOf(secure.saslSslClientProperties("not-the-password")))
        .with(Map.of(Settings.KAFKA_BOOTSTRAP_SERVERS, secure.saslSslBootstrapServers(),
            Settings.ES_HOSTS, LocalServers.elasticsearch().httpUrl(),
            Settings.INDEXER_STATE_DIR, stateDir.toString(),
            Settings.INDEXER_ADMIN_PORT, "0"));
    assertThatThrownBy(() -> Indexer.start(config).close())
        .hasStackTraceContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
  }

  private void indexesAndCommits(String name, String bootstrapServers, Map<String, String> env) throws Exception {
    try (LiveHarness live = new LiveHarness("secure-" + name, stateDir, bootstrapServers, env)) {
      SimilarityRun run = live.run(DATASET, "cos", Metric.COSINE, DIMS, null, "flat");
      live.registerDataset(DATASET);
      live.registerRun(run);
      RandomHistory history = new RandomHistory(DATASET, 7, 300, 60, DIMS);
      try (Indexer indexer = Indexer.start(live.config);
           ChangeEventProducer producer = new ChangeEventProducer(live.config.kafkaClientProperties(),
               live.topics.changes())) {
        for (ChangeEvent event : history.events) {
          producer.send(event);
        }
        producer.flush();
        IndexAssertions.awaitIndexEquals(live, run, history.expected, CONVERGED);
        // The transactions' offset commits went through the same listener.
        Awaitility.await("offsets committed").atMost(CONVERGED).pollInterval(Duration.ofSeconds(1))
            .untilAsserted(() -> assertThat(live.committedChanges()).isEqualTo(live.changesEnd()));
      }
    }
  }

  private static SecureListeners secure() {
    return LocalServers.secureKafka().secureListeners().orElseThrow();
  }
}
