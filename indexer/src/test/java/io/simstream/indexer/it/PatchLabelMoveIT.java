package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.config.Settings;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.PatchDocumentId;
import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import io.simstream.event.SampleAdded;
import io.simstream.event.SampleKey;
import io.simstream.event.SampleUpdated;
import io.simstream.indexer.Indexer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.assertj.core.data.Offset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A label id moved to a sample on another partition, whose event has a lower offset than the old
 * owner's removal of it: the index ends with exactly the new owner's patch (issue 11). Versions of
 * two partitions' offsets do not compare, so this only holds when each (sample, label) pair is a
 * document of its own.
 */
class PatchLabelMoveIT {
  private static final String DATASET = "label-moves";
  private static final String LABEL = "L";
  private static final int DIMS = 4;
  /** Events of the first owner before the move: its removal of the label gets an offset above this. */
  private static final int FIRST_OWNER_EVENTS = 30;
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  /** A whole-sample vector no run reads: an upsert needs an image or a vector to be valid. */
  private static final Map<String, float[]> WHOLE = Map.of("whole", new float[] {1, 1, 1, 1});

  @TempDir
  Path stateDir;

  @Test
  void aLabelMovedToALowerOffsetOnAnotherPartitionEndsWithItsNewSample() {
    try (LiveHarness live = new LiveHarness("labelmove", stateDir)) {
      SimilarityRun run = live.run(DATASET, "gt", Metric.EUCLIDEAN, DIMS, "gt", "flat");
      live.registerDataset(DATASET);
      live.registerRun(run);
      int partitions = live.config.get(Settings.TOPIC_PARTITIONS);
      String first = "a";
      String second = sampleOnAnotherPartition(first, partitions);

      try (Indexer indexer = Indexer.start(live.config)) {
        float[] firstVector = null;
        for (int i = 0; i < FIRST_OWNER_EVENTS; i++) {
          firstVector = new float[] {1, i, 0, 0};
          List<Patch> patches = List.of(patch(LABEL, firstVector));
          live.sendEvent(i == 0
              ? new SampleAdded(1, DATASET, first, null, WHOLE, patches, Instant.now())
              : new SampleUpdated(1, DATASET, first, null, WHOLE, patches, Instant.now()));
        }
        live.flushProducer();
        awaitOnlyPatch(live, run, first, firstVector);

        // The removal from the first sample is offset FIRST_OWNER_EVENTS of its partition; the new
        // owner's add is offset 0 of a fresh one.
        float[] secondVector = {0, 0, 1, 1};
        live.sendEvent(new SampleUpdated(1, DATASET, first, null, WHOLE, List.of(), Instant.now()));
        live.sendEvent(new SampleAdded(1, DATASET, second, null, WHOLE, List.of(patch(LABEL, secondVector)),
            Instant.now()));
        live.flushProducer();
        awaitOnlyPatch(live, run, second, secondVector);

        // And back: the first sample's own offsets keep rising, so its document comes back too.
        float[] backVector = {0, 1, 0, 1};
        live.sendEvent(new SampleUpdated(1, DATASET, second, null, WHOLE, List.of(), Instant.now()));
        live.sendEvent(new SampleUpdated(1, DATASET, first, null, WHOLE, List.of(patch(LABEL, backVector)),
            Instant.now()));
        live.flushProducer();
        awaitOnlyPatch(live, run, first, backVector);
      }
    }
  }

  /** The index holds exactly one document: the label's patch on {@code sampleId}, with this vector. */
  private static void awaitOnlyPatch(LiveHarness live, SimilarityRun run, String sampleId, float[] vector) {
    Awaitility.await(LABEL + " on " + sampleId).atMost(DEADLINE).pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> {
          Map<String, JsonNode> docs = live.documents(run.indexName());
          assertThat(docs.values()).as("documents of %s", run.indexName())
              .extracting(d -> d.path(IndexMapping.SAMPLE_ID).asText() + " holds " + d.path(IndexMapping.LABEL_ID).asText())
              .containsExactly(sampleId + " holds " + LABEL);
          JsonNode source = docs.values().iterator().next();
          assertThat(LiveHarness.vector(source)).containsExactly(vector, Offset.offset(1e-6f));
          assertThat(docs.keySet()).containsExactly(PatchDocumentId.of(sampleId, LABEL));
        });
  }

  /** The change topic's default partitioner: murmur2 of the key's UTF-8 bytes. */
  private static String sampleOnAnotherPartition(String sampleId, int partitions) {
    int taken = partitionOf(sampleId, partitions);
    for (int i = 0; ; i++) {
      String candidate = "b" + i;
      if (partitionOf(candidate, partitions) != taken) {
        return candidate;
      }
    }
  }

  private static int partitionOf(String sampleId, int partitions) {
    byte[] key = new SampleKey(DATASET, sampleId).toString().getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  private static Patch patch(String labelId, float[] vector) {
    return new Patch(labelId, "gt", "thing", new BoundingBox(0.1, 0.1, 0.5, 0.5), Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector));
  }
}
