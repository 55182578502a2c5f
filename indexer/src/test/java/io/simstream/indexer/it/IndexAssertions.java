package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.PatchDocumentId;
import io.simstream.run.SimilarityRun;
import io.simstream.run.VectorMath;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;

/** Waits until an index holds exactly the expected documents, ids and vectors. */
final class IndexAssertions {
  private IndexAssertions() {
  }

  static void awaitIndexEquals(LiveHarness live, SimilarityRun run, Map<String, float[]> expected, Duration timeout) {
    Awaitility.await(run.indexName()).atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Map<String, JsonNode> docs = run.indexesPatches() ? byLabelId(live.documents(run.indexName()))
          : live.documents(run.indexName());
      assertThat(docs.keySet()).as("%s of %s", run.indexesPatches() ? "label ids" : "document ids", run.indexName())
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
      expected.forEach((id, raw) -> {
        float[] want = run.metric().normalizesVectors() ? VectorMath.normalized(raw) : raw;
        JsonNode source = docs.get(id);
        String idField = run.indexesPatches() ? IndexMapping.LABEL_ID : IndexMapping.SAMPLE_ID;
        assertThat(source.path(idField).asText()).isEqualTo(id);
        assertThat(LiveHarness.vector(source)).as("vector of %s in %s", id, run.indexName())
            .containsExactly(want, org.assertj.core.data.Offset.offset(1e-6f));
      });
    });
  }

  /** Patch documents by label id; a label held by two documents, or under another id, fails. */
  private static Map<String, JsonNode> byLabelId(Map<String, JsonNode> docs) {
    Map<String, JsonNode> byLabel = new HashMap<>();
    docs.forEach((id, source) -> {
      String labelId = source.path(IndexMapping.LABEL_ID).asText();
      assertThat(id).isEqualTo(PatchDocumentId.of(source.path(IndexMapping.SAMPLE_ID).asText(), labelId));
      assertThat(byLabel.put(labelId, source)).as("another document of label %s", labelId).isNull();
    });
    return byLabel;
  }
}
