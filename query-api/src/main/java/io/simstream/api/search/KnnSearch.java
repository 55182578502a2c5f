package io.simstream.api.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.elasticsearch.ElasticsearchGateway;
import io.simstream.api.elasticsearch.IndexDocument;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.run.SimilarityRun;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/** Approximate k nearest neighbours with Elasticsearch's knn search (the request: {@link KnnRequestBody}). */
final class KnnSearch {
  static final int MAX_K = 10_000;

  private final ElasticsearchGateway es;

  KnnSearch(ElasticsearchGateway es) {
    this.es = es;
  }

  /**
   * The k documents with the highest scores for {@code query}; {@code distanceOf} turns each
   * Elasticsearch score into the distance reported.
   */
  List<SimilarityHit> search(SimilarityRun run, float[] query, KnnEffort effort, int k, JsonNode filter,
                             DoubleUnaryOperator distanceOf) {
    ObjectNode body = KnnRequestBody.of(query, k, effort, filter);
    JsonNode hits = es.request("POST", "/" + run.indexName() + "/_search", body).path("hits").path("hits");
    List<SimilarityHit> result = new ArrayList<>(hits.size());
    for (JsonNode hit : hits) {
      JsonNode source = hit.path("_source");
      JsonNode labelId = source.path(IndexMapping.LABEL_ID);
      result.add(new SimilarityHit(IndexDocument.reportedId(hit), source.path(IndexMapping.SAMPLE_ID).asText(null),
          labelId.isTextual() ? labelId.asText() : null, distanceOf.applyAsDouble(hit.path("_score").asDouble())));
    }
    return result;
  }
}
