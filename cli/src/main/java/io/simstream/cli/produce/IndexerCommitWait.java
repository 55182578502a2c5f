package io.simstream.cli.produce;

import io.simstream.config.KafkaClientProperties;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * First step of {@code --wait}: the indexer's consumer group (its application id) has committed past
 * the last event sent on each partition, so the indexer has applied every change to its state and
 * queued its writes.
 */
final class IndexerCommitWait {
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaClientProperties kafka;
  private final String indexerGroup;
  private final String changeTopic;

  IndexerCommitWait(KafkaClientProperties kafka, String indexerGroup, String changeTopic) {
    this.kafka = kafka;
    this.indexerGroup = indexerGroup;
    this.changeTopic = changeTopic;
  }

  /** @param deadline a {@link System#nanoTime()} value */
  void await(Map<Integer, Long> highestOffsets, long deadline)
      throws TimeoutException, InterruptedException, ExecutionException {
    try (Admin admin = Admin.create(kafka.asMap())) {
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(indexerGroup).partitionsToOffsetAndMetadata().get();
        long behind = highestOffsets.entrySet().stream().filter(e -> {
          OffsetAndMetadata offset = committed.get(new TopicPartition(changeTopic, e.getKey()));
          return offset == null || offset.offset() <= e.getValue();
        }).count();
        if (behind == 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("the indexer (consumer group '" + indexerGroup + "') has not yet taken the events"
              + " sent to " + behind + " partition(s) of " + changeTopic + ": is it running?");
        }
        Thread.sleep(POLL.toMillis());
      }
    }
  }
}
