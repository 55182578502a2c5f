package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.json.Json;
import io.simstream.run.IndexLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.http.HttpHost;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Requests sent straight to Elasticsearch, bypassing simstream: the ceilings are measured with
 * these. It uses the same low-level REST client the indexer and the query API use, so the
 * comparison is of simstream's work, not of HTTP clients.
 */
final class DirectElasticsearch implements AutoCloseable {
  private static final Duration FORCE_MERGE_TIMEOUT = Duration.ofMinutes(30);

  private final RestClient rest;
  private volatile BulkVectorEncoding vectorEncoding;

  DirectElasticsearch(String httpUrl) {
    this.rest = RestClient.builder(HttpHost.create(httpUrl))
        // As many connections as the query case's concurrent clients, as the API's own client has.
        .setHttpClientConfigCallback(http -> http.setMaxConnTotal(64).setMaxConnPerRoute(64))
        .setRequestConfigCallback(rc -> rc.setSocketTimeout(120_000))
        .build();
  }

  /** How the indexer writes vectors to this cluster (asked once): the direct bulks write them the same way. */
  BulkVectorEncoding vectorEncoding() {
    if (vectorEncoding == null) {
      vectorEncoding = BulkVectorEncoding.detect(rest);
    }
    return vectorEncoding;
  }

  /** Creates an index with exactly the body simstream's runs get. */
  void createIndex(String index, VectorFieldSpec spec) {
    request("PUT", "/" + index, IndexMapping.createIndexBody(spec).getBytes(StandardCharsets.UTF_8));
  }

  /** Creates an index as the indexer's runs have it: simstream's body and the write alias. */
  void createIndexWithWriteAlias(String index, VectorFieldSpec spec) {
    request("PUT", "/" + index, IndexMapping.createIndexBodyWithWriteAlias(index, spec, IndexLayout.DEFAULT).getBytes(StandardCharsets.UTF_8));
  }

  void deleteIndex(String index) {
    try {
      request("DELETE", "/" + index, null);
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof ResponseException re) || re.getResponse().getStatusLine().getStatusCode() != 404) {
        throw e;
      }
    }
  }

  /** Makes every write so far searchable, so that a read of the whole index sees them all. */
  void refresh(String index) {
    request("POST", "/" + index + "/_refresh", null);
  }

  /**
   * Merges the index into one segment and returns how many searchable segments it then has. The
   * merge of a large HNSW graph takes minutes on a loaded machine, hence its own long timeout.
   */
  int forceMergeToOneSegment(String index) {
    Request merge = new Request("POST", "/" + index + "/_forcemerge");
    merge.addParameter("max_num_segments", "1");
    merge.setOptions(RequestOptions.DEFAULT.toBuilder().setRequestConfig(
        RequestConfig.custom().setSocketTimeout((int) FORCE_MERGE_TIMEOUT.toMillis()).build()));
    try {
      rest.performRequest(merge);
    } catch (IOException e) {
      throw new UncheckedIOException("force-merge of " + index + " failed: " + e.getMessage(), e);
    }
    refresh(index);
    JsonNode segments = request("GET", "/_cat/segments/" + index + "?format=json", null);
    int searchable = 0;
    for (JsonNode segment : segments) {
      searchable += segment.path("searchable").asBoolean() ? 1 : 0;
    }
    return searchable;
  }

  /**
   * What Elasticsearch did to the index since it was created, as "refreshes 7 (external 7, 412 ms), flushes 0, ...":
   * how many refreshes, flushes and merges a load caused and what they took, to compare loads of the same documents.
   */
  String indexStats(String index) {
    JsonNode total = request("GET", "/" + index + "/_stats/refresh,flush,merge,segments,indexing", null)
        .path("_all").path("primaries");
    JsonNode refresh = total.path("refresh");
    JsonNode merges = total.path("merges");
    return String.format(Locale.ROOT, "refreshes %d (external %d, %d ms), flushes %d, merges %d (%d docs, %d ms),"
            + " segments %d, indexing %d ms", refresh.path("total").asLong(), refresh.path("external_total").asLong(),
        refresh.path("total_time_in_millis").asLong(), total.path("flush").path("total").asLong(),
        merges.path("total").asLong(), merges.path("total_docs").asLong(), merges.path("total_time_in_millis").asLong(),
        total.path("segments").path("count").asLong(), total.path("indexing").path("index_time_in_millis").asLong());
  }

  /** Searchable documents: _count sees only refreshed segments, as a search does. */
  long count(String index) {
    return request("GET", "/" + index + "/_count", null).path("count").asLong();
  }

  /**
   * Sends a bulk body written in {@link #vectorEncoding()}'s form; fails when any item failed, so a
   * ceiling never counts lost documents.
   */
  void bulk(byte[] body) {
    bulk(body, false);
  }

  /** As {@link #bulk(byte[])}; with {@code itemOutcomesOnly}, the response is filtered as the indexer asks. */
  void bulk(byte[] body, boolean itemOutcomesOnly) {
    Request request = vectorEncoding().bulkRequest(body);
    if (itemOutcomesOnly) {
      request.addParameter("filter_path", BulkVectorEncoding.ITEM_OUTCOMES_FILTER_PATH);
    }
    JsonNode response = send(request);
    if (response.path("errors").asBoolean()) {
      throw new IllegalStateException("bulk had item errors: " + firstError(response));
    }
  }

  /** A real-time multi-get of these ids, without their sources: {@code docs[].found} says which exist. */
  JsonNode mget(String index, List<String> ids) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ids.forEach(body.putArray("ids")::add);
    try {
      return request("POST", "/" + index + "/_mget?_source=false", Json.MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode search(String index, JsonNode body) {
    try {
      return request("POST", "/" + index + "/_search", Json.MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The node's threads with the CPU each used over {@code interval}, as Elasticsearch's hot threads report them
   * (plain text); blocks for the interval.
   */
  String hotThreads(Duration interval) {
    Request request = new Request("GET", "/_nodes/_local/hot_threads");
    request.addParameter("threads", "9999");
    request.addParameter("interval", interval.toMillis() + "ms");
    request.addParameter("snapshots", "1");
    request.addParameter("ignore_idle_threads", "false");
    try {
      return new String(rest.performRequest(request).getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("hot threads failed: " + e.getMessage(), e);
    }
  }

  private JsonNode request(String method, String endpoint, byte[] body) {
    Request request = new Request(method, endpoint);
    if (body != null) {
      request.setEntity(new NByteArrayEntity(body, ContentType.APPLICATION_JSON));
    }
    return send(request);
  }

  private JsonNode send(Request request) {
    try {
      return Json.MAPPER.readTree(rest.performRequest(request).getEntity().getContent());
    } catch (IOException e) {
      throw new UncheckedIOException(request.getMethod() + " " + request.getEndpoint() + " failed: " + e.getMessage(),
          e);
    }
  }

  private static String firstError(JsonNode response) {
    for (JsonNode item : response.path("items")) {
      JsonNode error = item.elements().next().path("error");
      if (!error.isMissingNode()) {
        return error.toString();
      }
    }
    return "unknown";
  }

  @Override
  public void close() throws IOException {
    rest.close();
  }
}
