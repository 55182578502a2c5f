package io.simstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.KafkaClientProperties;
import io.simstream.json.Json;
import io.simstream.servers.KafkaAcls;
import io.simstream.servers.KafkaBroker;
import io.simstream.servers.LocalServers;
import io.simstream.servers.ScramUser;
import io.simstream.servers.SecureListeners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code simstream produce --register-dataset} as a Kafka user over SASL_SSL that has only the CLI's ACLs from
 * docs/deployment.md ("Kafka ACLs per service"), on the embedded broker with its authorizer on. The CLI reads
 * its configuration from the environment, so it runs in a child JVM with the SIMSTREAM_KAFKA_* variables set.
 */
class KafkaAclsIT {
  @Test
  void theDocumentedAclsAreEnoughForProduce(@TempDir Path dir) throws Exception {
    KafkaBroker broker = LocalServers.secureKafka();
    SecureListeners secure = broker.secureListeners().orElseThrow();
    ScramUser user = broker.addScramUser("cli");
    String changes = user.name() + ".changes";
    List<String> topics = List.of(changes, user.name() + ".runs", user.name() + ".datasets",
        user.name() + ".dead-letters");
    cliAcls(user.name(), topics, changes + ".listing").grantOn(broker);

    Path manifest = dir.resolve("samples.jsonl");
    Files.write(manifest, List.of(
        Json.MAPPER.writeValueAsString(Map.of("sampleId", "a", "embeddings", Map.of("default", new float[] {1, 0}))),
        Json.MAPPER.writeValueAsString(Map.of("sampleId", "b", "embeddings", Map.of("default", new float[] {0, 1})))));
    Map<String, String> env = new HashMap<>(KafkaClientProperties.environmentOf(secure.saslSslClientProperties(user)));
    env.put("SIMSTREAM_KAFKA_BOOTSTRAP_SERVERS", secure.saslSslBootstrapServers());
    env.put("SIMSTREAM_TOPIC_CHANGES", changes);
    env.put("SIMSTREAM_TOPIC_RUNS", topics.get(1));
    env.put("SIMSTREAM_TOPIC_DATASETS", topics.get(2));
    env.put("SIMSTREAM_TOPIC_DEAD_LETTERS", topics.get(3));
    CliProcess.Result cli = CliProcess.run(dir, env, "produce", "-d", "acl", "--manifest", manifest.toString(),
        "--register-dataset");
    assertThat(cli.exitCode()).as("exit status; output:%n%s", cli.output()).isZero();
    assertThat(cli.output()).contains("registered dataset 'acl'").contains("sent 2 events to " + changes);
  }

  /** The CLI's rows of the ACL table in docs/deployment.md, for these topic names. */
  private static KafkaAcls cliAcls(String user, List<String> topics, String listing) {
    KafkaAcls acls = new KafkaAcls(user)
        .topic(topics.get(0), AclOperation.WRITE, AclOperation.DESCRIBE)
        .topic(topics.get(2), AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)
        .topic(listing, AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE);
    for (String topic : topics) {
      acls.topic(topic, AclOperation.DESCRIBE, AclOperation.CREATE);
    }
    return acls;
  }
}
