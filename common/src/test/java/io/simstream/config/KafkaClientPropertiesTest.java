package io.simstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"indexer\" password=\"s3cret\";";

  @Test
  void environmentVariablesNameKafkaPropertiesAndReachEveryClientMap() {
    SimstreamConfig config = SimstreamConfig.load(Map.of(
        "SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS", "b-1.example:9096",
        "SIMSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "SIMSTREAM_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
        "SIMSTREAM_KAFKA_SASL_JAAS_CONFIG", JAAS));
    Map<String, Object> map = config.kafkaClientProperties().asMap();
    assertThat(map).containsEntry("bootstrap.servers", "b-1.example:9096")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", JAAS)
        .hasSize(4);
    assertThat(config.kafkaClientProperties().asProperties()).containsEntry("sasl.jaas.config", JAAS);
    // The pass-through names draw no "unknown variable" warning.
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void producersStartFromSettingsThatKeepOneOrderPerKeyAndKafkaAcceptsThem() {
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_KAFKA_SECURITY_PROTOCOL", "SSL"));
    Map<String, Object> map = config.kafkaClientProperties().orderedProducerMap();
    assertThat(map).containsEntry("security.protocol", "SSL").containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true).containsEntry("max.in.flight.requests.per.connection", 5);
    map.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    map.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    // The client turns idempotence off, or refuses the map, when the settings disagree.
    ProducerConfig parsed = new ProducerConfig(map);
    assertThat(parsed.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
    assertThat(parsed.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1");
    // A producer-only setting cannot be passed through to undo them.
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_KAFKA_ACKS", "1")))
        .hasMessageContaining("SIMSTREAM_KAFKA_ACKS");
  }

  @Test
  void theBootstrapServersFollowTheirSettingWhenOverridden() {
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_KAFKA_SECURITY_PROTOCOL", "SSL"))
        .with(Map.of(Settings.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:9999"));
    assertThat(config.kafkaClientProperties().asMap())
        .containsEntry("bootstrap.servers", "127.0.0.1:9999").containsEntry("security.protocol", "SSL");
  }

  @Test
  void aFileSuffixReadsTheValueFromThatFileAndKeepsItOutOfLogs(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("jaas");
    Files.writeString(secret, JAAS + "\n");
    SimstreamConfig config = SimstreamConfig.load(Map.of(
        "SIMSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", secret.toString(),
        "SIMSTREAM_KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
        "SIMSTREAM_KAFKA_CLIENT_DNS_LOOKUP", "use_all_dns_ips"));
    KafkaClientProperties kafka = config.kafkaClientProperties();
    assertThat(kafka.asMap()).containsEntry("sasl.jaas.config", JAAS).containsEntry("ssl.truststore.password",
        "changeit");
    assertThat(kafka.toString()).doesNotContain("s3cret").doesNotContain("changeit").contains("use_all_dns_ips")
        .contains("sasl.jaas.config=[hidden]");
    // A child process gets the path, never the secret itself.
    assertThat(config.asEnvironment()).containsEntry("SIMSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", secret.toString());
  }

  @Test
  void theConfigurationFileTakesKafkaKeysAndTheEnvironmentWins(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("password");
    Files.writeString(secret, "from-file\n");
    Path file = dir.resolve("simstream.properties");
    Files.writeString(file, String.join("\n",
        "kafka.bootstrap.servers=kafka:9093",
        "kafka.security.protocol=SSL",
        "kafka.ssl.key.password.file=" + secret,
        "kafka.client.id=from-file",
        ""));
    SimstreamConfig config = SimstreamConfig.load(Map.of(Settings.CONFIG_FILE_ENV, file.toString(),
        "SIMSTREAM_KAFKA_CLIENT_ID", "from-env"));
    assertThat(config.kafkaClientProperties().asMap()).containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("security.protocol", "SSL").containsEntry("ssl.key.password", "from-file")
        .containsEntry("client.id", "from-env");
  }

  @Test
  void everyWrongNameValueOrFileIsReportedAtStart(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty"));
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of(
        "SIMSTREAM_KAFKA_SECURITY_PROTOKOL", "SSL",
        "SIMSTREAM_KAFKA_ACKS", "all",
        "SIMSTREAM_KAFKA_SASL_MECHANISM", "PLAIN",
        "SIMSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SLL",
        "SIMSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", dir.resolve("missing").toString(),
        "SIMSTREAM_KAFKA_SSL_KEYSTORE_PASSWORD_FILE", empty.toString(),
        "SIMSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION", dir.resolve("no-truststore.p12").toString(),
        "SIMSTREAM_KAFKA_RECONNECT_BACKOFF_MS", "soon")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(7)
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_KAFKA_SECURITY_PROTOKOL")
                .contains("did you mean SIMSTREAM_KAFKA_SECURITY_PROTOCOL (security.protocol)?"))
            // A producer-only property: simstream sets acks itself where ordering depends on it.
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_KAFKA_ACKS").contains("not a Kafka property"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_KAFKA_SECURITY_PROTOCOL").contains("SASL_SLL"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE")
                .contains("the file holding sasl.jaas.config cannot be read").contains("missing"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_KAFKA_SSL_KEYSTORE_PASSWORD_FILE")
                .contains("is empty"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION")
                .contains("no readable file"))
            .anySatisfy(p -> assertThat(p).startsWith("SIMSTREAM_KAFKA_RECONNECT_BACKOFF_MS").contains("soon")));
  }

  @Test
  void aValueGivenBothDirectlyAndFromAFileIsRefused(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("jaas"), JAAS);
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of(
        "SIMSTREAM_KAFKA_SASL_JAAS_CONFIG", JAAS,
        "SIMSTREAM_KAFKA_SASL_JAAS_CONFIG_FILE", secret.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sasl.jaas.config is given twice");
  }

  @Test
  void aMisspelledKafkaSettingPointsAtTheSetting() {
    assertThatThrownBy(() -> SimstreamConfig.load(Map.of("SIMSTREAM_KAFKA_BOOTSTRAP_SERVER", "kafka:9092")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("did you mean SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS?");
  }

  @Test
  void onlyPropertiesEveryClientKindAcceptsPassThrough() {
    assertThat(KafkaClientProperties.passThroughNames())
        .contains("security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location",
            "ssl.keystore.location", "ssl.endpoint.identification.algorithm", "client.dns.lookup")
        .doesNotContain("bootstrap.servers", "acks", "enable.idempotence", "isolation.level", "group.id");
  }

  @Test
  void localServerVariablesAreNotPassThrough() {
    SimstreamConfig config = SimstreamConfig.load(Map.of("SIMSTREAM_KAFKA_BROKER_LIB_DIR", "/opt/kafka/libs"));
    assertThat(config.kafkaClientProperties().asMap()).containsOnlyKeys("bootstrap.servers");
  }
}
