package io.simstream.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.indices.GetMappingResponse;
import co.elastic.clients.elasticsearch._types.mapping.DenseVectorProperty;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;

/**
 * The Elasticsearch mapping of a similarity index: the document id is the sample id (or the label
 * id of a patch), the source holds {@code sample_id}, {@code label_id} and {@code vector}.
 */
public final class IndexMapping {
  public static final String SAMPLE_ID = "sample_id";
  public static final String LABEL_ID = "label_id";
  public static final String VECTOR = "vector";

  /** Index types simstream accepts; set explicitly so that 8.x and 9.x build the same index. */
  public static final Set<String> INDEX_OPTIONS =
      Set.of("hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw", "flat", "int8_flat", "int4_flat", "bbq_flat");
  public static final String DEFAULT_INDEX_OPTIONS = "int8_hnsw";
  private static final String WRITE_ALIAS_SUFFIX = ".simstream-write";

  private IndexMapping() {
  }

  /** The create-index body. Refresh stays periodic: a refresh per bulk would cost ingest dearly. */
  public static String createIndexBody(VectorFieldSpec spec) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putObject("settings").putObject("index").put("refresh_interval", "1s");
    ObjectNode properties = body.putObject("mappings").put("dynamic", "strict").putObject("properties");
    properties.putObject(SAMPLE_ID).put("type", "keyword");
    properties.putObject(LABEL_ID).put("type", "keyword");
    ObjectNode vector = properties.putObject(VECTOR);
    vector.put("type", "dense_vector").put("dims", spec.dims()).put("index", true)
        .put("similarity", spec.metric().esSimilarity());
    vector.putObject("index_options").put("type", spec.indexOptions());
    return body.toString();
  }

  /**
   * The alias the indexer writes through with {@code require_alias}: a write to a deleted index then
   * fails instead of auto-creating an index with a dynamic mapping.
   */
  public static String writeAlias(String index) {
    return index + WRITE_ALIAS_SUFFIX;
  }

  /** Creates the index with its mapping and its write alias. */
  public static void create(ElasticsearchClient es, String index, VectorFieldSpec spec) throws IOException {
    ObjectNode body = (ObjectNode) Json.MAPPER.readTree(createIndexBody(spec));
    body.putObject("aliases").putObject(writeAlias(index));
    es.indices().create(c -> c.index(index).withJson(new StringReader(body.toString())));
  }

  public static boolean exists(ElasticsearchClient es, String index) throws IOException {
    return es.indices().exists(e -> e.index(index)).value();
  }

  /** Reads the vector field of an existing index; empty when the index does not exist. */
  public static Optional<VectorFieldSpec> describe(ElasticsearchClient es, String index) throws IOException {
    GetMappingResponse response;
    try {
      response = es.indices().getMapping(g -> g.index(index));
    } catch (ElasticsearchException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    if (response.result().isEmpty()) {
      return Optional.empty();
    }
    Property property = response.result().values().iterator().next().mappings().properties().get(VECTOR);
    if (property == null || !property.isDenseVector()) {
      throw new IllegalArgumentException("index '" + index + "' has no dense_vector field '" + VECTOR + "'");
    }
    DenseVectorProperty vector = property.denseVector();
    if (vector.dims() == null || vector.similarity() == null) {
      throw new IllegalArgumentException("index '" + index + "' has a vector field without dims or similarity");
    }
    String type = vector.indexOptions() == null ? "default" : vector.indexOptions().type().jsonValue();
    return Optional.of(new VectorFieldSpec(
        io.simstream.run.Metric.fromEsSimilarity(vector.similarity().jsonValue()), vector.dims(), type));
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }
}
