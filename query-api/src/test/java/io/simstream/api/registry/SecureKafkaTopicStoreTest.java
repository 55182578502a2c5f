package io.simstream.api.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.KafkaClientProperties;
import io.simstream.config.SimstreamConfig;
import io.simstream.kafka.TopicAdmin;
import io.simstream.kafka.Topics;
import io.simstream.run.DatasetRecord;
import io.simstream.servers.LocalServers;
import io.simstream.servers.SecureListeners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API's Kafka clients (topic creation, the compacted-topic store's producer, consumer and admin client)
 * configured only through SIMSTREAM_KAFKA_* variables, against the embedded broker's secured listeners.
 */
class SecureKafkaTopicStoreTest {
  private static final Duration CATCH_UP = Duration.ofSeconds(60);

  @Test
  void theStoreWritesAndReadsOverSaslSslWithTheJaasConfigFromAFile(@TempDir Path dir) throws Exception {
    SecureListeners secure = secure();
    Map<String, String> kafka = new HashMap<>(secure.saslSslClientProperties(secure.scramPassword()));
    // The credentials come from a mounted secret file, as in a Kubernetes deployment.
    Path jaas = Files.writeString(dir.resolve("jaas.conf"), kafka.remove("sasl.jaas.config") + "\n");
    Map<String, String> env = environment(secure.saslSslBootstrapServers(), kafka);
    env.put("SIMSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString());
    assertRoundTrip(SimstreamConfig.load(env));
  }

  @Test
  void theStoreWritesAndReadsOverMutualTls() throws Exception {
    SecureListeners secure = secure();
    assertRoundTrip(SimstreamConfig.load(environment(secure.sslBootstrapServers(),
        secure.mutualTlsClientProperties())));
  }

  @Test
  void aWrongPasswordStopsTheStartWithTheBrokersReason() {
    SecureListeners secure = secure();
    SimstreamConfig config = SimstreamConfig.load(environment(secure.saslSslBootstrapServers(),
        secure.saslSslClientProperties("not-the-password")));
    assertThatThrownBy(() -> TopicAdmin.ensureTopics(config))
        .hasMessageContaining("cannot create topics on " + secure.saslSslBootstrapServers())
        .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
  }

  private static SecureListeners secure() {
    return LocalServers.secureKafka().secureListeners().orElseThrow();
  }

  /** What an operator sets: the listener's address and each Kafka property as a SIMSTREAM_KAFKA_* variable. */
  private static Map<String, String> environment(String bootstrapServers, Map<String, String> kafkaProperties) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = new HashMap<>();
    env.put("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("SIMSTREAM_TOPIC_RUNS", "secure-runs-" + suffix);
    env.put("SIMSTREAM_TOPIC_DATASETS", "secure-datasets-" + suffix);
    env.put("SIMSTREAM_TOPIC_CHANGES", "secure-changes-" + suffix);
    env.put("SIMSTREAM_TOPIC_DEAD_LETTERS", "secure-dead-letters-" + suffix);
    env.put("SIMSTREAM_TOPIC_PARTITIONS", "1");
    env.putAll(KafkaClientProperties.environmentOf(kafkaProperties));
    return env;
  }

  /** Topic creation, then a write that returns only once the store's own view has read it back. */
  private static void assertRoundTrip(SimstreamConfig config) throws TimeoutException {
    TopicAdmin.ensureTopics(config);
    DatasetRecord record = new DatasetRecord("photos", Instant.now().truncatedTo(ChronoUnit.MILLIS));
    try (CompactedTopicStore<DatasetRecord> store =
             new CompactedTopicStore<>(config.kafkaClientProperties(), Topics.from(config).datasets())) {
      store.put("photos", record);
      assertThat(store.get("photos")).contains(record);
    }
    // A second reader (as after a restart) finds it too.
    try (CompactedTopicStore<DatasetRecord> store =
             new CompactedTopicStore<>(config.kafkaClientProperties(), Topics.from(config).datasets())) {
      store.awaitCaughtUp(CATCH_UP);
      assertThat(store.snapshot()).containsEntry("photos", record);
    }
  }
}
