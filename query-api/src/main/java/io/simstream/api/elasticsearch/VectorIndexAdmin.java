package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.error.ConflictException;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.json.Json;
import io.simstream.run.IndexLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Creates, inspects, counts and deletes the Elasticsearch indexes behind runs. */
public final class VectorIndexAdmin {
  private final ElasticsearchGateway es;

  public VectorIndexAdmin(ElasticsearchGateway es) {
    this.es = es;
  }

  public boolean exists(String index) {
    return es.typed(index, client -> IndexMapping.exists(client, index));
  }

  /**
   * The mapping of an existing index as Elasticsearch answers it for {@code name}: the concrete
   * indexes it names (more than the name itself, or another name, for an alias) and the properties
   * of the first. Empty when there is no such index or alias.
   */
  public record MappedIndex(List<String> indexes, JsonNode properties) {
    /** The mapped type of a top-level field (an object field without one is "object"); empty when unmapped. */
    public Optional<String> fieldType(String field) {
      JsonNode mapping = properties.path(field);
      if (mapping.isMissingNode()) {
        return Optional.empty();
      }
      return Optional.of(mapping.path("type").asText("object"));
    }
  }

  public Optional<MappedIndex> mapping(String name) {
    JsonNode response;
    try {
      response = es.request("GET", "/" + name + "/_mapping", null);
    } catch (ElasticsearchStatusException e) {
      if (e.elasticsearchStatus() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    List<String> concrete = new ArrayList<>();
    response.fieldNames().forEachRemaining(concrete::add);
    if (concrete.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MappedIndex(List.copyOf(concrete),
        response.path(concrete.get(0)).path("mappings").path("properties")));
  }

  /** The vector field of an existing index; empty when there is no such index. */
  public Optional<VectorFieldSpec> describe(String index) {
    try {
      return es.typed(index, client -> IndexMapping.describe(client, index));
    } catch (IllegalArgumentException e) {
      throw new ConflictException("index '" + index + "' exists but is not a similarity index: " + e.getMessage());
    }
  }

  public void create(String index, VectorFieldSpec spec, IndexLayout layout) {
    try {
      es.typed(index, client -> {
        IndexMapping.create(client, index, spec, layout);
        return null;
      });
    } catch (ElasticsearchStatusException e) {
      if (e.errorType().contains("already_exists")) {
        throw new ConflictException("index '" + index + "' was created concurrently by someone else");
      }
      throw e;
    }
  }

  /** Deletes the index; false when it did not exist. */
  public boolean delete(String index) {
    try {
      es.request("DELETE", "/" + index, null);
      return true;
    } catch (ElasticsearchStatusException e) {
      if (e.elasticsearchStatus() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Whether the run indexes answer a search, and in words what Elasticsearch said. */
  public record Searchability(boolean searchable, String description) {
  }

  /**
   * Searches each of {@code indexes} for nothing ({@code size} 0), in one {@code _msearch} (its body
   * names the indexes: a URL naming every run's could pass Elasticsearch's 4 KB line limit), and
   * reports every index whose search fails or whose shards fail: a red index fails its unassigned
   * shards, a closed one or one the API may not read (403) fails whole. Each index is searched on its
   * own because a search over several with {@code ignore_unavailable} would skip the closed and the
   * forbidden ones silently. A missing index passes, named: a cleaned-up run keeps its record until
   * the indexer creates the index again. Only these indexes are asked, so another index being red
   * does not count, and {@code read} on them suffices (GET /_cluster/health needs {@code monitor}).
   * With no index, a search that matches none still shows that Elasticsearch answers the API's
   * credentials.
   */
  public Searchability searchable(List<String> indexes, Duration timeout) {
    ObjectNode search = Json.MAPPER.createObjectNode().put("size", 0).put("track_total_hits", false)
        .put("timeout", timeout.toMillis() + "ms");
    List<JsonNode> lines = new ArrayList<>();
    if (indexes.isEmpty()) {
      ObjectNode none = Json.MAPPER.createObjectNode().put("ignore_unavailable", true).put("allow_no_indices", true);
      none.putArray("index").add("*").add("-*");
      lines.add(none);
      lines.add(search);
    }
    for (String index : indexes) {
      lines.add(Json.MAPPER.createObjectNode().put("index", index));
      lines.add(search);
    }
    JsonNode responses = es.requestLines("POST", "/_msearch", lines).path("responses");
    if (indexes.isEmpty()) {
      String problem = problem(responses.path(0), timeout);
      return problem == null ? new Searchability(true, "searchable (0 run indexes, 0 shards)")
          : new Searchability(false, "searching Elasticsearch failed: " + problem);
    }
    List<String> missing = new ArrayList<>();
    List<String> failing = new ArrayList<>();
    int shards = 0;
    for (int i = 0; i < indexes.size(); i++) {
      JsonNode response = responses.path(i);
      if (response.path("error").path("type").asText().equals("index_not_found_exception")) {
        missing.add(indexes.get(i));
        continue;
      }
      String problem = problem(response, timeout);
      if (problem != null) {
        failing.add("'" + indexes.get(i) + "': " + problem);
      }
      shards += response.path("_shards").path("total").asInt();
    }
    if (!failing.isEmpty()) {
      return new Searchability(false, failing.size() + " of " + indexes.size() + " run indexes cannot be searched: "
          + String.join("; ", failing));
    }
    return new Searchability(true, "searchable (" + (indexes.size() - missing.size()) + " run indexes, " + shards
        + " shards" + (missing.isEmpty() ? "" : "; not created yet: " + String.join(", ", missing)) + ")");
  }

  /** What went wrong with one search of an _msearch; null when it answered in full. */
  private static String problem(JsonNode response, Duration timeout) {
    JsonNode error = response.path("error");
    if (!error.isMissingNode()) {
      return response.path("status").asText() + " " + error.path("type").asText() + ": "
          + error.path("reason").asText(error.toString())
          + ElasticsearchGateway.shardFailure(error.path("failed_shards"));
    }
    String shardsFailed = ElasticsearchGateway.shardsFailed(response);
    if (shardsFailed != null) {
      return shardsFailed;
    }
    if (response.path("timed_out").asBoolean()) {
      return "timed out after " + timeout.toMillis() + " ms";
    }
    return null;
  }

  /** The number of documents (samples, or patches for a patch index); empty when the index is missing. */
  public Optional<Long> count(String index) {
    try {
      return Optional.of(count(index, null));
    } catch (ElasticsearchStatusException e) {
      if (e.elasticsearchStatus() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The number of documents matching a filter (null: all). */
  public long count(String index, JsonNode filter) {
    ObjectNode body = null;
    if (filter != null) {
      body = Json.MAPPER.createObjectNode();
      body.putObject("query").putObject("bool").set("filter", filter);
    }
    // A count some shards failed is short (a wrong size, knn where a scan was due, a filled index taken for
    // empty): the gateway refuses it.
    return es.request("POST", "/" + index + "/_count", body).path("count").asLong();
  }
}
