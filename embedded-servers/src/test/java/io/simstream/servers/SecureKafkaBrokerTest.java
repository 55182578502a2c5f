package io.simstream.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The secured listeners of the embedded broker accept what they should and refuse what they should. */
class SecureKafkaBrokerTest {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private static SecureListeners secure() {
    return LocalServers.secureKafka().secureListeners().orElseThrow();
  }

  @Test
  void aScramUserOverSaslSslCreatesWritesAndReadsATopic() throws Exception {
    SecureListeners secure = secure();
    roundTrip(client(secure.saslSslBootstrapServers(), secure.saslSslClientProperties(secure.scramPassword())));
  }

  @Test
  void aClientCertificateOpensTheMutualTlsListener() throws Exception {
    SecureListeners secure = secure();
    roundTrip(client(secure.sslBootstrapServers(), secure.mutualTlsClientProperties()));
  }

  @Test
  void aWrongScramPasswordIsAnAuthenticationError() {
    SecureListeners secure = secure();
    Map<String, Object> props = client(secure.saslSslBootstrapServers(), secure.saslSslClientProperties("wrong"));
    try (Admin admin = Admin.create(props)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("invalid credentials");
    }
  }

  @Test
  void theMutualTlsListenerRefusesAClientWithoutCertificate() {
    SecureListeners secure = secure();
    Map<String, Object> props = client(secure.sslBootstrapServers(), secure.mutualTlsClientProperties());
    props.keySet().removeIf(name -> name.startsWith("ssl.keystore") || name.equals("ssl.key.password"));
    try (Admin admin = Admin.create(props)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
    }
  }

  @Test
  void thePlainListenerOfTheSecureBrokerStillServesSetup() throws Exception {
    roundTrip(new HashMap<>(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        LocalServers.secureKafka().bootstrapServers())));
  }

  private static Map<String, Object> client(String bootstrapServers, Map<String, String> security) {
    Map<String, Object> props = new HashMap<>(security);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // A refused handshake is final: without this the admin client would retry it until the call times out.
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    return props;
  }

  private static void roundTrip(Map<String, Object> connection) throws Exception {
    String topic = "secure-" + UUID.randomUUID();
    try (Admin admin = Admin.create(connection)) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all()
          .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    Map<String, Object> producerProps = new HashMap<>(connection);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
             new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "over-tls")).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    Map<String, Object> consumerProps = new HashMap<>(connection);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
             new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
      ConsumerRecords<String, String> records = ConsumerRecords.empty();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        records = consumer.poll(Duration.ofMillis(500));
      }
      assertThat(records).extracting(r -> r.value()).containsExactly("over-tls");
      // Group coordination and offset commits go through the same listener.
      consumer.commitSync();
    }
  }
}
