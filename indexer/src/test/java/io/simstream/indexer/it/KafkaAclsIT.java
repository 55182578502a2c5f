package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.config.KafkaClientProperties;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.indexer.Indexer;
import io.simstream.kafka.Topics;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.KafkaAcls;
import io.simstream.servers.KafkaBroker;
import io.simstream.servers.LocalServers;
import io.simstream.servers.ScramUser;
import io.simstream.servers.SecureListeners;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The indexer as a user that has only the ACLs docs/deployment.md lists for it ("Kafka ACLs per service"), on the
 * embedded broker with its authorizer on: it creates its topics, reads runs and datasets, runs Kafka Streams with
 * exactly-once transactions and commits. A user without them is refused, so the authorizer does decide.
 */
class KafkaAclsIT {
  private static final String DATASET = "acl";
  private static final int DIMS = 8;
  private static final Duration CONVERGED = Duration.ofSeconds(180);

  @TempDir
  Path stateDir;

  @Test
  void theDocumentedAclsAreEnoughForTheIndexer() throws Exception {
    KafkaBroker broker = LocalServers.secureKafka();
    SecureListeners secure = broker.secureListeners().orElseThrow();
    try (LiveHarness live = new LiveHarness("acl", stateDir, secure.saslSslBootstrapServers(),
        KafkaClientProperties.environmentOf(secure.saslSslClientProperties(secure.scramPassword())))) {
      ScramUser user = broker.addScramUser("indexer");
      indexerAcls(user.name(), live.topics, live.config.get(Settings.INDEXER_APPLICATION_ID)).grantOn(broker);

      SimilarityRun run = live.run(DATASET, "cos", Metric.COSINE, DIMS, null, "flat");
      live.registerDataset(DATASET);
      live.registerRun(run);
      RandomHistory history = new RandomHistory(DATASET, 11, 200, 40, DIMS);
      try (Indexer indexer = Indexer.start(asUser(live, secure, user))) {
        history.events.forEach(live::sendEvent);
        live.flushProducer();
        IndexAssertions.awaitIndexEquals(live, run, history.expected, CONVERGED);
        Awaitility.await("offsets committed").atMost(CONVERGED).pollInterval(Duration.ofSeconds(1))
            .untilAsserted(() -> assertThat(live.committedChanges()).isEqualTo(live.changesEnd()));
      }
    }
  }

  @Test
  void aUserWithoutAclsIsRefused() throws Exception {
    KafkaBroker broker = LocalServers.secureKafka();
    SecureListeners secure = broker.secureListeners().orElseThrow();
    ScramUser user = broker.addScramUser("nobody");
    SimstreamConfig config =
        SimstreamConfig.load(KafkaClientProperties.environmentOf(secure.saslSslClientProperties(user)))
        .with(Map.of(Settings.KAFKA_BOOTSTRAP_SERVERS, secure.saslSslBootstrapServers(),
            Settings.TOPIC_CHANGES, user.name() + ".changes",
            Settings.ES_HOSTS, LocalServers.elasticsearch().httpUrl(),
            Settings.INDEXER_STATE_DIR, stateDir.toString(),
            Settings.INDEXER_ADMIN_PORT, "0"));
    assertThatThrownBy(() -> Indexer.start(config).close()).hasStackTraceContaining("TopicAuthorizationException");
  }

  /** The indexer's rows of the ACL table in docs/deployment.md, for these topic names and application id. */
  private static KafkaAcls indexerAcls(String user, Topics topics, String applicationId) {
    KafkaAcls acls = new KafkaAcls(user);
    for (String topic : List.of(topics.changes().name(), topics.runs().name(), topics.datasets().name())) {
      acls.topic(topic, AclOperation.READ, AclOperation.DESCRIBE);
    }
    acls.topic(topics.deadLetters().name(), AclOperation.WRITE, AclOperation.DESCRIBE)
        .topicsPrefixed(applicationId + "-", AclOperation.ALL)
        .group(applicationId, AclOperation.READ, AclOperation.DESCRIBE)
        .transactionalIdsPrefixed(applicationId + "-", AclOperation.WRITE, AclOperation.DESCRIBE);
    for (String topic : List.of(topics.changes().name(), topics.runs().name(), topics.datasets().name(),
        topics.deadLetters().name())) {
      acls.topic(topic, AclOperation.CREATE);
    }
    return acls;
  }

  /** The harness's configuration with the restricted user's credentials instead of the super user's. */
  private static SimstreamConfig asUser(LiveHarness live, SecureListeners secure, ScramUser user) {
    Map<String, String> env = new HashMap<>(live.environment());
    env.putAll(KafkaClientProperties.environmentOf(secure.saslSslClientProperties(user)));
    return SimstreamConfig.load(env);
  }
}
