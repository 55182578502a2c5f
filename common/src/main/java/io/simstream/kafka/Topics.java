package io.simstream.kafka;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.run.DatasetRecord;
import io.simstream.run.SimilarityRun;
import org.apache.kafka.common.serialization.Serdes;

/**
 * simstream's topics. Change events travel as raw bytes so that the indexer can send a malformed
 * one to the dead-letter topic exactly as it arrived; {@link io.simstream.event.ChangeEventCodec}
 * reads and writes them.
 */
public record Topics(Topic<String, byte[]> changes, Topic<String, SimilarityRun> runs,
                     Topic<String, DatasetRecord> datasets, Topic<String, byte[]> deadLetters) {

  /**
   * Largest record the dead-letter topic and the indexer's changelogs take: above Kafka's 1 MB
   * default, so that a dead letter of a change near that size, with its headers, and the state of a
   * sample with many computed patch vectors still fit.
   */
  public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
  /** Partition and offset of the change a dead letter came from. */
  public static final String DEAD_LETTER_PARTITION_HEADER = "simstream.dlq.partition";
  public static final String DEAD_LETTER_OFFSET_HEADER = "simstream.dlq.offset";
  /** Header of a dead letter that says why it could not be indexed. */
  public static final String DEAD_LETTER_REASON_HEADER = "simstream.dlq.reason";
  /** Header of a dead letter naming the topic it came from. */
  public static final String DEAD_LETTER_SOURCE_HEADER = "simstream.dlq.source";
  /**
   * Header of a run's tombstone when the run was deleted with its index: the index's name. The indexer then
   * never creates that index for the run again, and deletes it if a write in flight did.
   */
  public static final String RUN_CLEANUP_HEADER = "simstream.run.cleanup";

  public static Topics from(SimstreamConfig config) {
    return new Topics(
        new Topic<>(config.get(Settings.TOPIC_CHANGES), Serdes.String(), Serdes.ByteArray()),
        new Topic<>(config.get(Settings.TOPIC_RUNS), Serdes.String(), JsonSerde.of(SimilarityRun.class)),
        new Topic<>(config.get(Settings.TOPIC_DATASETS), Serdes.String(), JsonSerde.of(DatasetRecord.class)),
        new Topic<>(config.get(Settings.TOPIC_DEAD_LETTERS), Serdes.String(), Serdes.ByteArray()));
  }
}
