package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.BackendUnavailableException.Reason;
import io.simstream.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every document of an index (optionally filtered) in pages through a point in time and
 * {@code search_after}: consistent while the indexer writes, and not bounded by
 * {@code index.max_result_window} (10,000) the way from/size paging is.
 */
public final class IndexScanner {
  private static final Logger LOG = LoggerFactory.getLogger(IndexScanner.class);
  /**
   * How long Elasticsearch keeps a point in time between two pages, and after the last one of a
   * listing, whose token may be repeated: every listing of several pages holds one that long after
   * its end, out of the node's {@code search.max_open_pit_context}, so it is kept short.
   */
  public static final Duration KEEP_ALIVE = Duration.ofMinutes(2);
  /** Elasticsearch's default {@code index.max_result_window}, which bounds {@code size} even with search_after. */
  private static final int MAX_RESULT_WINDOW = 10_000;
  private static final String KEEP_ALIVE_PARAM = KEEP_ALIVE.toSeconds() + "s";

  private final ElasticsearchGateway es;

  public IndexScanner(ElasticsearchGateway es) {
    this.es = es;
  }

  /** One page; {@code searchAfter} is null when the scan is complete. */
  public record Page(List<IndexDocument> documents, String pitId, JsonNode searchAfter) {
  }

  public String open(String index) {
    return es.request("POST", "/" + index + "/_pit?keep_alive=" + KEEP_ALIVE_PARAM, null).path("id").asText();
  }

  /**
   * Best effort: a point in time not closed expires by itself, so a failure here (already expired, or
   * Elasticsearch away) must not turn an answer already read into an error.
   */
  public void close(String pitId) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("id", pitId);
    try {
      es.request("DELETE", "/_pit", body);
    } catch (RuntimeException e) {
      LOG.debug("Could not close point in time (it expires on its own): {}", e.getMessage());
    }
  }

  /**
   * Reads the page after {@code searchAfter} (null for the first page); the caller closes the PIT.
   * One document more than asked is read to learn whether another page exists, so that a
   * last page that happens to be full ends the scan instead of promising an empty one.
   */
  public Page page(String pitId, JsonNode filter, int size, JsonNode searchAfter) {
    int fetch = Math.min(size + 1, MAX_RESULT_WINDOW);
    JsonNode response = es.readVectors("POST",
        new ElasticsearchGateway.Read("/_search", body(pitId, filter, fetch, searchAfter, false)),
        new ElasticsearchGateway.Read("/_search", body(pitId, filter, fetch, searchAfter, true)),
        r -> IndexDocument.anyWithoutVector(r.path("hits").path("hits")));
    String nextPit = response.path("pit_id").asText(pitId);
    JsonNode hits = response.path("hits").path("hits");
    List<IndexDocument> documents = new ArrayList<>(Math.min(size, hits.size()));
    for (int i = 0; i < hits.size() && i < size; i++) {
      documents.add(IndexDocument.fromHit(hits.get(i)));
    }
    JsonNode last = documents.size() == size ? hits.get(size - 1).path("sort") : null;
    boolean more = hits.size() > size || fetch == size && last != null && anyAfter(nextPit, filter, last);
    return new Page(documents, nextPit, more ? last : null);
  }

  /** Whether a document follows {@code searchAfter}: for pages as large as the result window allows. */
  private boolean anyAfter(String pitId, JsonNode filter, JsonNode searchAfter) {
    ObjectNode body = body(pitId, filter, 1, searchAfter, false);
    body.put("_source", false);
    return !es.request("POST", "/_search", body).path("hits").path("hits").isEmpty();
  }

  private static ObjectNode body(String pitId, JsonNode filter, int size, JsonNode searchAfter,
                                 boolean sourceVectorsOption) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("size", size).put("track_total_hits", false);
    body.putObject("pit").put("id", pitId).put("keep_alive", KEEP_ALIVE_PARAM);
    body.putArray("sort").addObject().put("_shard_doc", "asc");
    IndexDocument.requestWholeSource(body, sourceVectorsOption);
    if (filter != null) {
      body.putObject("query").putObject("bool").set("filter", filter);
    }
    if (searchAfter != null) {
      body.set("search_after", searchAfter);
    }
    return body;
  }

  /**
   * {@link #page} of a point in time this request opened: its contexts lost before the request ends (a node
   * restarted) is Elasticsearch's trouble, not the client's and not a missing index, and a retry opens a new one.
   */
  public Page pageOfOwnPit(String pitId, JsonNode filter, int size, JsonNode searchAfter) {
    try {
      return page(pitId, filter, size, searchAfter);
    } catch (ElasticsearchStatusException e) {
      if (ElasticsearchGateway.SEARCH_CONTEXT_MISSING.equals(e.errorType())) {
        throw new BackendUnavailableException(Reason.OVERLOADED, "Elasticsearch lost the point in time (the "
            + "snapshot) this request was reading, e.g. a node restarted: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /** Visits every matching document; the point in time is released even when the visitor fails. */
  public void scan(String index, JsonNode filter, int pageSize, Consumer<IndexDocument> visitor) {
    String pitId = open(index);
    try {
      JsonNode after = null;
      do {
        Page page = pageOfOwnPit(pitId, filter, pageSize, after);
        page.documents().forEach(visitor);
        pitId = page.pitId();
        after = page.searchAfter();
      } while (after != null);
    } finally {
      close(pitId);
    }
  }
}
