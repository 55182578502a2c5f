package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;
import io.simstream.run.SimilarityRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches stored documents by the ids the API speaks (sample ids, or label ids on patch runs), in
 * batches so that a long id list stays a modest request. Samples are read by document id with mget;
 * patches by a {@code terms} query on {@code label_id}, since a patch's document id also holds its
 * sample id.
 */
public final class VectorLookup {
  private static final int BATCH = 1000;
  /**
   * Hits read per batch of label ids: room for a label held by several samples at once (for the
   * moment a moved label's old document is not yet deleted), within the default result window.
   */
  private static final int LABEL_HITS_PER_BATCH = 10_000;

  private final ElasticsearchGateway es;

  public VectorLookup(ElasticsearchGateway es) {
    this.es = es;
  }

  /**
   * The documents found, in request order; ids that are not in the index are absent. A label id
   * that two patch documents share answers with the one written last (see {@link #byLabelIds}).
   */
  public Map<String, IndexDocument> byIds(SimilarityRun run, List<String> ids) {
    return run.indexesPatches() ? byLabelIds(run.indexName(), ids) : bySampleIds(run.indexName(), ids);
  }

  /** Documents of a whole-sample index, whose document ids are the sample ids. */
  public Map<String, IndexDocument> bySampleIds(String index, List<String> ids) {
    Map<String, IndexDocument> found = new LinkedHashMap<>();
    for (int from = 0; from < ids.size(); from += BATCH) {
      ObjectNode body = Json.MAPPER.createObjectNode();
      ids.subList(from, Math.min(ids.size(), from + BATCH)).forEach(body.putArray("ids")::add);
      JsonNode response = es.readVectors("POST", new ElasticsearchGateway.Read(mgetEndpoint(index, false), body),
          new ElasticsearchGateway.Read(mgetEndpoint(index, true), body),
          r -> IndexDocument.anyWithoutVector(r.path("docs")));
      for (JsonNode doc : response.path("docs")) {
        ElasticsearchGateway.failOnItemError(doc);
        if (doc.path("found").asBoolean(false)) {
          IndexDocument document = IndexDocument.fromHit(doc);
          found.put(document.id(), document);
        }
      }
    }
    return found;
  }

  /**
   * Patches of a patch index by label id. While a label moves between samples of different
   * partitions, both samples' documents may exist for a moment; the answer is the one written last
   * (the later {@link WritePosition}), the newest state of the label
   * Elasticsearch has seen. Unlike mget, a search sees writes after the next refresh only.
   */
  public Map<String, IndexDocument> byLabelIds(String index, List<String> labelIds) {
    NewestWrites<IndexDocument> newest = new NewestWrites<>();
    for (int from = 0; from < labelIds.size(); from += BATCH) {
      List<String> batch = labelIds.subList(from, Math.min(labelIds.size(), from + BATCH));
      JsonNode response = es.readVectors("POST",
          new ElasticsearchGateway.Read("/" + index + "/_search", labelSearch(batch, false)),
          new ElasticsearchGateway.Read("/" + index + "/_search", labelSearch(batch, true)),
          r -> IndexDocument.anyWithoutVector(r.path("hits").path("hits")));
      for (JsonNode hit : response.path("hits").path("hits")) {
        IndexDocument document = IndexDocument.fromHit(hit);
        newest.offer(document.id(), hit, document);
      }
    }
    return newest.inOrderOf(labelIds);
  }

  private static ObjectNode labelSearch(List<String> labelIds, boolean sourceVectorsOption) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("size", LABEL_HITS_PER_BATCH).put("track_total_hits", false).put("seq_no_primary_term", true);
    body.putObject("query").putObject("bool").set("filter", IdFilters.anyOf(IndexMapping.LABEL_ID, labelIds));
    IndexDocument.requestWholeSource(body, sourceVectorsOption);
    return body;
  }

  /** The vector is named in the includes (enough on 8.19 and 9.5); the 9.x option when needed. */
  private static String mgetEndpoint(String index, boolean sourceVectorsOption) {
    return "/" + index + "/_mget?_source_includes=" + String.join(",", IndexDocument.SOURCE_FIELDS)
        + (sourceVectorsOption ? "&_source_exclude_vectors=false" : "");
  }
}
