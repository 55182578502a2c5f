package io.simstream.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.indices.GetMappingResponse;
import co.elastic.clients.elasticsearch._types.mapping.DenseVectorProperty;
import co.elastic.clients.elasticsearch._types.mapping.Property;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.json.Json;
import io.simstream.run.IndexLayout;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;

/**
 * The Elasticsearch mapping of a similarity index: the document id is the sample id (or the label
 * id of a patch), the source holds {@code sample_id}, {@code label_id}, {@code vector} and the
 * {@code summary} the query API shows ({@code image_uri}; a patch's {@code field}, {@code label},
 * {@code bounding_box}).
 */
public final class IndexMapping {
  public static final String SAMPLE_ID = "sample_id";
  public static final String LABEL_ID = "label_id";
  public static final String VECTOR = "vector";
  /** What the results page draws: kept in {@code _source} only, never indexed (an {@code enabled: false} object). */
  public static final String SUMMARY = "summary";
  public static final String IMAGE_URI = "image_uri";
  public static final String FIELD = "field";
  public static final String LABEL = "label";
  /** Relative [x, y, width, height], as in change events. */
  public static final String BOUNDING_BOX = "bounding_box";

  /** Index types simstream accepts; set explicitly so that 8.x and 9.x build the same index. */
  public static final Set<String> INDEX_OPTIONS =
      Set.of("hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw", "flat", "int8_flat", "int4_flat", "bbq_flat");
  /**
   * A knn that scores every vector: the only type measured at recall@10 >= 0.99 for every query kind and metric
   * at 150,000 documents (docs/api.md "Choosing an index type"); graph types trade that for speed at millions.
   */
  public static final String DEFAULT_INDEX_OPTIONS = "int8_flat";
  private static final String WRITE_ALIAS_SUFFIX = ".simstream-write";
  private static final String AUTO_EXPAND_REPLICAS = "0-1";

  private IndexMapping() {
  }

  /**
   * The create-index body, in the {@link IndexLayout#DEFAULT} layout. Refresh stays periodic: a refresh per bulk
   * would cost ingest dearly.
   */
  public static String createIndexBody(VectorFieldSpec spec) {
    return indexBody(spec, IndexLayout.DEFAULT).toString();
  }

  /** The create-index body of a run's index: its mapping and layout, and the index's write alias. */
  public static String createIndexBodyWithWriteAlias(String index, VectorFieldSpec spec, IndexLayout layout) {
    ObjectNode body = indexBody(spec, layout);
    body.putObject("aliases").putObject(writeAlias(index));
    return body.toString();
  }

  private static ObjectNode indexBody(VectorFieldSpec spec, IndexLayout layout) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode settings = settings();
    putLayout((ObjectNode) settings.get("index"), layout);
    body.set("settings", settings);
    body.set("mappings", mappings(spec));
    return body;
  }

  /** Unset replicas expand from 0 to 1 with the nodes, so a single node's index is green (see {@link IndexLayout}). */
  private static void putLayout(ObjectNode indexSettings, IndexLayout layout) {
    if (layout.shards() != null) {
      indexSettings.put("number_of_shards", layout.shards());
    }
    if (layout.replicas() != null) {
      indexSettings.put("number_of_replicas", layout.replicas());
    } else {
      indexSettings.put("auto_expand_replicas", AUTO_EXPAND_REPLICAS);
    }
  }

  private static ObjectNode settings() {
    ObjectNode settings = Json.MAPPER.createObjectNode();
    // Set, not left to the default: an unset interval skips refreshes of search-idle shards.
    settings.putObject("index").put("refresh_interval", "1s");
    return settings;
  }

  private static ObjectNode mappings(VectorFieldSpec spec) {
    ObjectNode mappings = Json.MAPPER.createObjectNode().put("dynamic", "strict");
    ObjectNode properties = mappings.putObject("properties");
    properties.putObject(SAMPLE_ID).put("type", "keyword");
    properties.putObject(LABEL_ID).put("type", "keyword");
    ObjectNode vector = properties.putObject(VECTOR);
    vector.put("type", "dense_vector").put("dims", spec.dims()).put("index", true)
        .put("similarity", spec.metric().esSimilarity());
    vector.putObject("index_options").put("type", spec.indexOptions());
    properties.putObject(SUMMARY).setAll(summaryMapping());
    return mappings;
  }

  /**
   * Gives an existing index without mapping the settings and mapping {@link #create} would have:
   * both calls are idempotent, so concurrent callers cannot undo each other's writes.
   */
  public static void applyTo(ElasticsearchClient es, String index, VectorFieldSpec spec) throws IOException {
    es.indices().putSettings(p -> p.index(index).withJson(new StringReader(settings().toString())));
    es.indices().putMapping(p -> p.index(index).withJson(new StringReader(mappings(spec).toString())));
  }

  /**
   * An object with {@code enabled: false}: Elasticsearch keeps it in {@code _source} and neither
   * parses nor indexes its content, so it costs no index space or ingest CPU, takes any shape (a
   * box is an array of numbers) and passes the strict mapping without mapping its members. 8.x and
   * 9.x accept it alike. Per-field {@code index: false, doc_values: false} would map every member,
   * parse every value, and make a member added later another mapping change for old indexes.
   */
  private static ObjectNode summaryMapping() {
    return Json.MAPPER.createObjectNode().put("type", "object").put("enabled", false);
  }

  /**
   * Adds the fields later versions write to an index created by an earlier one (its strict mapping
   * would refuse them). Adding a field that is already mapped the same way changes nothing.
   */
  public static void addMissingFields(ElasticsearchClient es, String index) throws IOException {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.putObject("properties").set(SUMMARY, summaryMapping());
    es.indices().putMapping(p -> p.index(index).withJson(new StringReader(body.toString())));
  }

  /**
   * The alias the indexer writes through with {@code require_alias}: a write to a deleted index then
   * fails instead of auto-creating an index with a dynamic mapping.
   */
  public static String writeAlias(String index) {
    return index + WRITE_ALIAS_SUFFIX;
  }

  /** Creates the index with its mapping, layout and write alias. */
  public static void create(ElasticsearchClient es, String index, VectorFieldSpec spec, IndexLayout layout)
      throws IOException {
    String body = createIndexBodyWithWriteAlias(index, spec, layout);
    es.indices().create(c -> c.index(index).withJson(new StringReader(body)));
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
