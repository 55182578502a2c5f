package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;
import io.simstream.run.SimilarityRun;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link DocumentSummary summaries} from a run's index by the ids the API speaks, like
 * {@link VectorLookup} but without the vectors: by mget on whole-sample runs (real time), by a
 * {@code terms} query on {@code label_id} on patch runs (after the next refresh), where a label that
 * two documents hold for a moment answers with the one written last.
 */
public final class SummaryLookup {
  private final ElasticsearchGateway es;

  public SummaryLookup(ElasticsearchGateway es) {
    this.es = es;
  }

  /** The summaries found, keyed by id; ids not in the index (or no index at all) are absent. */
  public Map<String, DocumentSummary> byIds(SimilarityRun run, Collection<String> ids) {
    List<String> list = List.copyOf(ids);
    try {
      return run.indexesPatches() ? byLabelIds(run.indexName(), list) : bySampleIds(run.indexName(), list);
    } catch (ElasticsearchStatusException e) {
      if (e.elasticsearchStatus() == 404) {
        return Map.of(); // the run's index is not created yet: nothing in it
      }
      throw e;
    }
  }

  private Map<String, DocumentSummary> bySampleIds(String index, List<String> ids) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ids.forEach(body.putArray("ids")::add);
    JsonNode response = es.request("POST", "/" + index + "/_mget?_source_includes="
        + String.join(",", DocumentSummary.SOURCE_FIELDS), body);
    Map<String, DocumentSummary> found = new LinkedHashMap<>();
    for (JsonNode doc : response.path("docs")) {
      ElasticsearchGateway.failOnItemError(doc);
      if (doc.path("found").asBoolean(false)) {
        DocumentSummary summary = DocumentSummary.fromHit(doc);
        found.put(summary.id(), summary);
      }
    }
    return found;
  }

  private Map<String, DocumentSummary> byLabelIds(String index, List<String> labelIds) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    // Twice the ids: room for each label held by two samples at once (a label moving between them).
    body.put("size", 2 * labelIds.size()).put("track_total_hits", false).put("seq_no_primary_term", true);
    body.putObject("query").putObject("bool").set("filter", IdFilters.anyOf(IndexMapping.LABEL_ID, labelIds));
    DocumentSummary.SOURCE_FIELDS.forEach(body.putArray("_source")::add);
    JsonNode response = es.request("POST", "/" + index + "/_search", body);
    NewestWrites<DocumentSummary> newest = new NewestWrites<>();
    for (JsonNode hit : response.path("hits").path("hits")) {
      DocumentSummary summary = DocumentSummary.fromHit(hit);
      newest.offer(summary.id(), hit, summary);
    }
    return newest.inOrderOf(labelIds);
  }
}
