package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.error.ConflictException;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.json.Json;
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

  public void create(String index, VectorFieldSpec spec) {
    try {
      es.typed(index, client -> {
        IndexMapping.create(client, index, spec);
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
    return es.request("POST", "/" + index + "/_count", body).path("count").asLong();
  }
}
