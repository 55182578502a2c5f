package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads every document of an index (optionally filtered) in pages through a point in time and
 * {@code search_after}: consistent while the indexer writes, and not bounded by
 * {@code index.max_result_window} (10,000) the way from/size paging is.
 */
public final class IndexScanner {
  /** How long Elasticsearch keeps a point in time between two pages. */
  public static final String KEEP_ALIVE = "5m";

  private final ElasticsearchGateway es;

  public IndexScanner(ElasticsearchGateway es) {
    this.es = es;
  }

  /** One page; {@code searchAfter} is null when the scan is complete (its point in time is then closed). */
  public record Page(List<IndexDocument> documents, String pitId, JsonNode searchAfter) {
  }

  public String open(String index) {
    return es.request("POST", "/" + index + "/_pit?keep_alive=" + KEEP_ALIVE, null).path("id").asText();
  }

  public void close(String pitId) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("id", pitId);
    try {
      es.request("DELETE", "/_pit", body);
    } catch (ElasticsearchStatusException e) {
      // Already expired or closed: nothing left to release.
    }
  }

  /** Reads the page after {@code searchAfter} (null for the first page); closes the PIT after the last. */
  public Page page(String pitId, JsonNode filter, int size, JsonNode searchAfter) {
    JsonNode response = es.readVectors("POST",
        new ElasticsearchGateway.Read("/_search", body(pitId, filter, size, searchAfter, false)),
        new ElasticsearchGateway.Read("/_search", body(pitId, filter, size, searchAfter, true)),
        r -> IndexDocument.anyWithoutVector(r.path("hits").path("hits")));
    String nextPit = response.path("pit_id").asText(pitId);
    JsonNode hits = response.path("hits").path("hits");
    List<IndexDocument> documents = new ArrayList<>(hits.size());
    hits.forEach(hit -> documents.add(IndexDocument.fromHit(hit)));
    if (hits.size() < size) {
      close(nextPit);
      return new Page(documents, nextPit, null);
    }
    return new Page(documents, nextPit, hits.get(hits.size() - 1).path("sort"));
  }

  private static ObjectNode body(String pitId, JsonNode filter, int size, JsonNode searchAfter,
                                 boolean sourceVectorsOption) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("size", size).put("track_total_hits", false);
    body.putObject("pit").put("id", pitId).put("keep_alive", KEEP_ALIVE);
    body.putArray("sort").addObject().put("_shard_doc", "asc");
    if (sourceVectorsOption) {
      ObjectNode source = body.putObject("_source");
      IndexDocument.SOURCE_FIELDS.forEach(source.putArray("includes")::add);
      source.put("exclude_vectors", false);
    } else {
      IndexDocument.SOURCE_FIELDS.forEach(body.putArray("_source")::add);
    }
    if (filter != null) {
      body.putObject("query").putObject("bool").set("filter", filter);
    }
    if (searchAfter != null) {
      body.set("search_after", searchAfter);
    }
    return body;
  }

  /** Visits every matching document; the point in time is released even when the visitor fails. */
  public void scan(String index, JsonNode filter, int pageSize, Consumer<IndexDocument> visitor) {
    String pitId = open(index);
    boolean done = false;
    try {
      JsonNode after = null;
      do {
        Page page = page(pitId, filter, pageSize, after);
        page.documents().forEach(visitor);
        pitId = page.pitId();
        after = page.searchAfter();
        done = after == null;
      } while (!done);
    } finally {
      if (!done) {
        close(pitId);
      }
    }
  }
}
