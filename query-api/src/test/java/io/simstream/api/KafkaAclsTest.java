package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.KafkaClientProperties;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.kafka.Topics;
import io.simstream.servers.KafkaAcls;
import io.simstream.servers.KafkaBroker;
import io.simstream.servers.LocalServers;
import io.simstream.servers.ScramUser;
import io.simstream.servers.SecureListeners;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

/**
 * The query API as a Kafka user that has only the ACLs docs/deployment.md lists for it ("Kafka ACLs per service"),
 * on the embedded broker with its authorizer on: it creates its topics, starts, becomes ready and serves a
 * dataset written through its store.
 */
class KafkaAclsTest {

  @Test
  void theDocumentedAclsAreEnoughForTheQueryApi() throws Exception {
    KafkaBroker broker = LocalServers.secureKafka();
    SecureListeners secure = broker.secureListeners().orElseThrow();
    ScramUser user = broker.addScramUser("query-api");

    Map<String, String> env = new HashMap<>();
    env.putAll(KafkaClientProperties.environmentOf(secure.saslSslClientProperties(user)));
    env.put(Settings.KAFKA_BOOTSTRAP_SERVERS.envName(), secure.saslSslBootstrapServers());
    env.put(Settings.ES_HOSTS.envName(), TestBackends.elasticsearch());
    env.put(Settings.API_PORT.envName(), "0");
    env.put(Settings.TOPIC_RUNS.envName(), user.name() + ".runs");
    env.put(Settings.TOPIC_DATASETS.envName(), user.name() + ".datasets");
    env.put(Settings.TOPIC_CHANGES.envName(), user.name() + ".changes");
    env.put(Settings.TOPIC_DEAD_LETTERS.envName(), user.name() + ".dead-letters");
    env.put(Settings.TOPIC_PARTITIONS.envName(), "1");
    SimstreamConfig config = SimstreamConfig.load(env);
    queryApiAcls(user.name(), Topics.from(config)).grantOn(broker);

    try (QueryApi api = QueryApi.start(config)) {
      ApiClient client = new ApiClient("http://127.0.0.1:" + api.port(), null);
      assertThat(client.get("/ready").status()).isEqualTo(200);
      assertThat(client.post("/v1/datasets", Map.of("name", "photos")).status()).isEqualTo(201);
      ApiClient.Response list = client.get("/v1/datasets");
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.body()).contains("\"photos\"");
    }
  }

  /** The query API's rows of the ACL table in docs/deployment.md, for these topic names. */
  private static KafkaAcls queryApiAcls(String user, Topics topics) {
    KafkaAcls acls = new KafkaAcls(user);
    for (String topic : List.of(topics.runs().name(), topics.datasets().name())) {
      acls.topic(topic, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
    }
    for (String topic : List.of(topics.changes().name(), topics.runs().name(), topics.datasets().name(),
        topics.deadLetters().name())) {
      acls.topic(topic, AclOperation.DESCRIBE, AclOperation.CREATE);
    }
    return acls;
  }
}
