package io.simstream.kafka;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates simstream's topics when they are missing (both services call it at start), or only looks at them. */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {
  }

  public static void ensureTopics(SimstreamConfig config) {
    Topics topics = Topics.from(config);
    int partitions = config.get(Settings.TOPIC_PARTITIONS);
    short replication = config.get(Settings.TOPIC_REPLICATION).shortValue();
    Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    List<NewTopic> wanted = List.of(
        new NewTopic(topics.changes().name(), partitions, replication),
        new NewTopic(topics.runs().name(), 1, replication).configs(compacted),
        new NewTopic(topics.datasets().name(), 1, replication).configs(compacted),
        new NewTopic(topics.deadLetters().name(), 1, replication).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            String.valueOf(Topics.MAX_RECORD_BYTES))));
    withAdmin(config, "create", admin -> {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return null;
      }
      try {
        admin.createTopics(missing).all().get();
        LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
          throw e;
        }
      }
      return null;
    });
  }

  /** The topics the cluster has, asked without creating any (a consumer's metadata request may, by default). */
  public static Set<String> existingTopics(SimstreamConfig config) {
    return withAdmin(config, "list", admin -> admin.listTopics().names().get());
  }

  /** An admin call, {@code what} the topics; its failure is an unchecked exception naming the cluster. */
  private static <T> T withAdmin(SimstreamConfig config, String what, AdminCall<T> call) {
    try (Admin admin = Admin.create(config.kafkaClientProperties().asMap())) {
      return call.apply(admin);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asked to " + what + " topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + " topics on " + config.get(Settings.KAFKA_BOOTSTRAP_SERVERS)
          + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  @FunctionalInterface
  private interface AdminCall<T> {
    T apply(Admin admin) throws InterruptedException, ExecutionException;
  }
}
