package io.simstream.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Whether a consumer group (a Kafka Streams application) has committed up to the end of a topic. */
final class ConsumerLag {
  private ConsumerLag() {
  }

  static void awaitCaughtUp(String bootstrapServers, String groupId, String topic, Duration timeout)
      throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(props)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      long lag = Long.MAX_VALUE;
      while (System.nanoTime() < deadline) {
        lag = lag(admin, groupId, topic);
        if (lag == 0) {
          return;
        }
        Searchable.sleep(500);
      }
      throw new IllegalStateException(groupId + " still lags " + lag + " records behind " + topic + " after "
          + timeout.toSeconds() + " s");
    }
  }

  private static long lag(Admin admin, String groupId, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
    Map<TopicPartition, OffsetSpec> latest = partitions.stream()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    long lag = 0;
    for (var end : admin.listOffsets(latest).all().get().entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      lag += end.getValue().offset() - (at == null ? 0 : at.offset());
    }
    return lag;
  }
}
