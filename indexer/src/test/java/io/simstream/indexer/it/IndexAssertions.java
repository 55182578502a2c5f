package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.run.SimilarityRun;
import io.simstream.run.VectorMath;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/** Waits until an index holds exactly the expected documents, ids and vectors. */
final class IndexAssertions {
  private IndexAssertions() {
  }

  static void awaitIndexEquals(LiveHarness live, SimilarityRun run, Map<String, float[]> expected, Duration timeout) {
    Awaitility.await(run.indexName()).atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Map<String, JsonNode> docs = live.documents(run.indexName());
      assertThat(docs.keySet()).as("document ids of %s", run.indexName())
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
}
