package io.simstream.api.run;

import io.simstream.api.dataset.DatasetService;
import io.simstream.api.elasticsearch.VectorIndexAdmin;
import io.simstream.api.error.ApiException;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.error.ConflictException;
import io.simstream.api.error.NotFoundException;
import io.simstream.api.model.EmbeddingModel;
import io.simstream.api.model.EmbeddingModels;
import io.simstream.api.registry.KeyValueStore;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.kafka.Topics;
import io.simstream.run.IndexLayout;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The lifecycle of similarity runs: create (a new index or a connection to an existing one),
 * list, info, rename, delete and cleanup. Runs live on the compacted runs topic, which the
 * indexer follows to backfill and keep each index in sync. Changes are serialised in this
 * process so that two requests cannot claim the same brain key or index at once.
 */
public final class RunService {
  private static final Pattern BRAIN_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  /** At most 239 characters: the write alias adds 16 within Elasticsearch's 255 bytes. */
  private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,238}");
  /** ".simstream-write": common keeps the suffix to itself. */
  private static final String WRITE_ALIAS_SUFFIX = IndexMapping.writeAlias("");
  /** Elasticsearch's own limit on dense_vector dims. */
  private static final int MAX_DIMS = 4096;

  private final KeyValueStore<SimilarityRun> runs;
  private final DatasetService datasets;
  private final VectorIndexAdmin indexes;
  private final EmbeddingModels models;
  private final Clock clock;

  public RunService(KeyValueStore<SimilarityRun> runs, DatasetService datasets, VectorIndexAdmin indexes,
                    EmbeddingModels models, Clock clock) {
    this.runs = runs;
    this.datasets = datasets;
    this.indexes = indexes;
    this.models = models;
    this.clock = clock;
  }

  /** The outcome of a creation: the run and whether its index was created (false: connected). */
  public record Creation(SimilarityRun run, boolean indexCreated) {
  }

  public synchronized Creation create(String dataset, CreateRunRequest request) {
    datasets.require(dataset);
    String brainKey = validBrainKey(request.brainKey(), "brainKey");
    // It ends the default index name, whose write alias would then be another run's index name.
    if (brainKey.toLowerCase(Locale.ROOT).endsWith(WRITE_ALIAS_SUFFIX)) {
      throw new BadRequestException("brainKey '" + brainKey + "' must not end with '" + WRITE_ALIAS_SUFFIX
          + "', the suffix of the write aliases of run indexes");
    }
    if (runs.get(SimilarityRun.keyOf(dataset, brainKey)).isPresent()) {
      throw new ConflictException("dataset '" + dataset + "' already has a similarity run with brain key '"
          + brainKey + "'");
    }
    requireVectorsKeyFree(dataset, brainKey, null);
    String model = blankToNull(request.model()) == null ? SimilarityRun.PRECOMPUTED : request.model().trim();
    Metric metric = request.metric() == null ? null : metric(request.metric());
    String indexOptions = request.indexOptions() == null ? null : indexOptions(request.indexOptions());
    Integer dims = request.dims();
    if (dims != null && (dims < 1 || dims > MAX_DIMS)) {
      throw new BadRequestException("dims must be in 1.." + MAX_DIMS + ", got " + dims);
    }
    Optional<EmbeddingModel> embeddingModel = SimilarityRun.PRECOMPUTED.equals(model) ? Optional.empty()
        : Optional.of(models.find(model).orElseThrow(() -> new BadRequestException("model '" + model
            + "' is not available on this server: use 'precomputed', 'mobilenet-v2-nsfwjs', or 'clip-onnx' once "
            + "SIMSTREAM_EMBEDDING_CLIP_DIR points at CLIP files")));
    if (embeddingModel.isPresent()) {
      int modelDims = embeddingModel.get().dimensions();
      if (dims != null && dims != modelDims) {
        throw new BadRequestException("model '" + model + "' makes " + modelDims + "-d vectors, but dims is " + dims);
      }
      dims = modelDims;
    }
    String patchesField = blankToNull(request.patchesField());
    IndexLayout layout = new IndexLayout(request.shards(), request.replicas());
    layout.problem().ifPresent(problem -> {
      throw new BadRequestException(problem);
    });

    String indexName;
    VectorFieldSpec spec;
    boolean created;
    Optional<VectorFieldSpec> existing = Optional.empty();
    Optional<VectorIndexAdmin.MappedIndex> mapped = Optional.empty();
    if (request.indexName() != null) {
      indexName = request.indexName().trim();
      if (!INDEX_NAME.matcher(indexName).matches()) {
        throw new BadRequestException("indexName '" + indexName + "' is not a valid Elasticsearch index name: use "
            + "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, at most 239 characters "
            + "(its write alias adds '" + WRITE_ALIAS_SUFFIX + "' within Elasticsearch's 255)");
      }
      if (indexName.endsWith(WRITE_ALIAS_SUFFIX)) {
        throw new BadRequestException("indexName '" + indexName + "' is the write alias of index '"
            + indexName.substring(0, indexName.length() - WRITE_ALIAS_SUFFIX.length()) + "' (names ending with '"
            + WRITE_ALIAS_SUFFIX + "' are reserved for them): give the index's own name");
      }
      // A run's index is compared by name: an alias would let two runs share one index unnoticed.
      mapped = indexes.mapping(indexName);
      if (mapped.isPresent() && !mapped.get().indexes().equals(List.of(indexName))) {
        List<String> concrete = mapped.get().indexes();
        throw new BadRequestException("indexName '" + indexName + "' is an alias of "
            + (concrete.size() == 1 ? "index '" + concrete.get(0) + "'" : "indexes " + concrete)
            + ": give an index's own name");
      }
      // A run recorded before write aliases were refused may name this index by its write alias.
      runUsingIndex(indexName).or(() -> runUsingIndex(IndexMapping.writeAlias(indexName))).ifPresent(other -> {
        throw new ConflictException("index '" + indexName + "' already backs run '" + other.key() + "'");
      });
      mapped.ifPresent(m -> requireFloatVectors(indexName, m));
      existing = mapped.isPresent() ? indexes.describe(indexName) : Optional.empty();
    } else {
      indexName = uniqueIndexName(dataset, brainKey);
    }
    if (existing.isPresent()) {
      if (!layout.equals(IndexLayout.DEFAULT)) {
        throw new BadRequestException("shards and replicas apply to a new index; index '" + indexName + "' exists: "
            + "change its replicas with Elasticsearch's index settings API, or leave indexName out");
      }
      spec = matching(indexName, existing.get(), metric, dims, indexOptions);
      requireKeyword(indexName, mapped.get(), IndexMapping.SAMPLE_ID, true);
      requireKeyword(indexName, mapped.get(), IndexMapping.LABEL_ID, patchesField != null);
      // Documents of another history would stay (samples deleted meanwhile) or win over ours (their
      // versions): the indexer fills a connected index from the dataset, so it must start empty.
      long documents = indexes.count(indexName).orElse(0L);
      if (documents > 0) {
        throw new ConflictException("index '" + indexName + "' holds " + documents + " documents: a run connects "
            + "only to an empty index, which the indexer then fills from the dataset; delete the index (or its "
            + "documents) first, or leave indexName out to create a new index");
      }
      created = false;
    } else {
      if (dims == null) {
        throw new BadRequestException("dims is required to create a new index of precomputed vectors");
      }
      String writeAlias = IndexMapping.writeAlias(indexName);
      if (request.indexName() != null && indexes.exists(writeAlias)) {
        throw new ConflictException("index '" + indexName + "' cannot be created: its write alias '" + writeAlias
            + "' is already the name of another index or alias; choose another indexName, or leave it out");
      }
      spec = new VectorFieldSpec(metric == null ? Metric.COSINE : metric, dims,
          indexOptions == null ? IndexMapping.DEFAULT_INDEX_OPTIONS : indexOptions);
      Optional<String> dimsProblem = spec.dimsProblem();
      if (dimsProblem.isPresent()) {
        throw new BadRequestException(dimsProblem.get());
      }
      indexes.create(indexName, spec, layout);
      created = true;
    }
    SimilarityRun run = new SimilarityRun(UUID.randomUUID().toString(), dataset, brainKey, indexName, model,
        spec.metric(), spec.dims(), patchesField, spec.indexOptions(),
        embeddingModel.flatMap(EmbeddingModel::text).isPresent(),
        clock.instant(), brainKey, layout);
    try {
      runs.put(run.key(), run);
    } catch (RuntimeException e) {
      if (created) {
        indexes.delete(indexName); // no record points at it: do not leave it behind
      }
      throw e;
    }
    return new Creation(run, created);
  }

  /** Runs sorted by dataset and brain key; each filter applies only when given. */
  public List<SimilarityRun> list(String dataset, String patchesField, Boolean supportsPrompts) {
    return runs.snapshot().values().stream()
        .filter(r -> dataset == null || r.dataset().equals(dataset))
        .filter(r -> patchesField == null || patchesField.equals(r.patchesField()))
        .filter(r -> supportsPrompts == null || r.supportsPrompts() == supportsPrompts)
        .sorted(Comparator.comparing(SimilarityRun::dataset).thenComparing(SimilarityRun::brainKey))
        .toList();
  }

  /** The run, or 404 naming whether the dataset or the brain key is unknown. */
  public SimilarityRun require(String dataset, String brainKey) {
    return runs.get(SimilarityRun.keyOf(dataset, brainKey)).orElseThrow(() -> {
      datasets.require(dataset);
      return new NotFoundException("dataset '" + dataset + "' has no similarity run with brain key '" + brainKey
          + "'");
    });
  }

  public RunView info(String dataset, String brainKey) {
    SimilarityRun run = require(dataset, brainKey);
    Optional<Long> size = indexes.count(run.indexName());
    return RunView.of(run).withIndex(size.isPresent(), size.orElse(0L));
  }

  /** Documents in the run's index (samples, or patches); empty when the index does not exist. */
  public Optional<Long> size(String dataset, String brainKey) {
    return indexes.count(require(dataset, brainKey).indexName());
  }

  /** Whether the indexes of all runs answer a search (readiness); see {@link VectorIndexAdmin#searchable}. */
  public VectorIndexAdmin.Searchability indexesSearchable(Duration timeout) {
    return indexes.searchable(runs.snapshot().values().stream().map(SimilarityRun::indexName).distinct().toList(),
        timeout);
  }

  /** Renames the brain key: the record moves to the new key, index and identity unchanged. */
  public synchronized SimilarityRun rename(String dataset, String brainKey, String newBrainKey) {
    SimilarityRun run = require(dataset, brainKey);
    String target = validBrainKey(newBrainKey, "brainKey");
    if (target.equals(brainKey)) {
      return run;
    }
    if (runs.get(SimilarityRun.keyOf(dataset, target)).isPresent()) {
      throw new ConflictException("dataset '" + dataset + "' already has a similarity run with brain key '"
          + target + "'");
    }
    requireVectorsKeyFree(dataset, target, run);
    SimilarityRun renamed = run.withBrainKey(target);
    runs.move(run.key(), renamed.key(), renamed);
    return renamed;
  }

  /** Deletes the run record; its Elasticsearch index is kept (see {@link #cleanup}). */
  public synchronized void delete(String dataset, String brainKey) {
    runs.remove(require(dataset, brainKey).key());
  }

  /**
   * Deletes the run record, then its index. The record goes first, marked, so that the indexer stops writing the
   * run and never creates its index again: with the index deleted first, a write in between creates it again for
   * good (as after a {@link #cleanup} of a live run).
   */
  public synchronized Cleanup deleteWithIndex(String dataset, String brainKey) {
    SimilarityRun run = require(dataset, brainKey);
    runs.remove(run.key(), Map.of(Topics.RUN_CLEANUP_HEADER, run.indexName()));
    try {
      return new Cleanup(run.indexName(), indexes.delete(run.indexName()));
    } catch (ApiException e) {
      // The record is gone: the same call again would answer 404, so the answer must say what is left.
      String message = "run '" + brainKey + "' of dataset '" + dataset + "' is deleted, but its index '"
          + run.indexName() + "' is not: " + e.getMessage() + ". The indexer tries again while Elasticsearch is"
          + " unavailable (within its retry budget); otherwise delete the index yourself";
      throw e instanceof BackendUnavailableException unavailable
          ? new BackendUnavailableException(unavailable.reason(), message, e) : new ApiException(e.status(), message, e);
    }
  }

  /** The outcome of a cleanup: the run's index and whether it existed (and was deleted). */
  public record Cleanup(String indexName, boolean deleted) {
  }

  /**
   * Deletes the run's Elasticsearch index; the run record stays. The run is read once, so that a
   * delete of the record meanwhile cannot turn an index deleted here into a 404.
   */
  public synchronized Cleanup cleanup(String dataset, String brainKey) {
    String indexName = require(dataset, brainKey).indexName();
    return new Cleanup(indexName, indexes.delete(indexName));
  }

  /**
   * A renamed run goes on reading the vectors events key by the brain key it was created with, ahead
   * of its new one: a run of that name would read the same vectors, so the name stays taken until the
   * renamed run takes it back ({@code renaming}, null on creation).
   */
  private void requireVectorsKeyFree(String dataset, String brainKey, SimilarityRun renaming) {
    runs.snapshot().values().stream()
        .filter(r -> r.dataset().equals(dataset) && r.embeddingsKey().equals(brainKey))
        .filter(r -> renaming == null || !r.key().equals(renaming.key()))
        .findFirst().ifPresent(other -> {
          throw new ConflictException("dataset '" + dataset + "' has run '" + other.brainKey() + "', which still "
              + "reads the vectors events key by '" + brainKey + "' (its embeddingsKey): a run named '" + brainKey
              + "' would read them too; choose another brain key, or rename '" + other.brainKey() + "' back to '"
              + brainKey + "'");
        });
  }

  private VectorFieldSpec matching(String indexName, VectorFieldSpec actual, Metric metric, Integer dims,
                                   String indexOptions) {
    if (metric != null && metric != actual.metric()) {
      throw new ConflictException("index '" + indexName + "' exists with metric " + actual.metric().apiName()
          + ", but the request asks for " + metric.apiName());
    }
    if (dims != null && dims != actual.dims()) {
      throw new ConflictException("index '" + indexName + "' exists with " + actual.dims()
          + " dims, but the request asks for " + dims);
    }
    if (indexOptions != null && !indexOptions.equals(actual.indexOptions())) {
      throw new ConflictException("index '" + indexName + "' exists with index options " + actual.indexOptions()
          + ", but the request asks for " + indexOptions);
    }
    return actual;
  }

  /**
   * Queries send, and results return, float vectors: an index of byte or bit vectors (its mapping's
   * {@code element_type}; float when the mapping leaves it out) would refuse or misread every one of them.
   */
  private static void requireFloatVectors(String indexName, VectorIndexAdmin.MappedIndex mapped) {
    String elementType = mapped.properties().path(IndexMapping.VECTOR).path("element_type").asText("float");
    if (!elementType.equals("float")) {
      throw new ConflictException("index '" + indexName + "' maps " + IndexMapping.VECTOR + " with element_type "
          + elementType + ", but only float vectors (element_type float, the default) are supported: create a new "
          + "index, or leave indexName out");
    }
  }

  /**
   * Restrictions are term queries on the id fields: on a text or numeric field they match nothing
   * (or not the ids given), and an unmapped one would be mapped dynamically as text by the first write.
   */
  private static void requireKeyword(String indexName, VectorIndexAdmin.MappedIndex mapped, String field,
                                     boolean required) {
    Optional<String> type = mapped.fieldType(field);
    if (type.isPresent() ? !type.get().equals("keyword") : required) {
      throw new ConflictException("index '" + indexName + "' maps " + field + " as "
          + type.map(t -> "type " + t).orElse("nothing") + ", but searches restricted by id need it as type keyword "
          + "(as simstream creates it): map it with PUT /" + indexName + "/_mapping {\"properties\": {\"" + field
          + "\": {\"type\": \"keyword\"}}} while it is unmapped, or create a new index");
    }
  }

  /**
   * "simstream-dataset-brainkey", lowercased and cut to 230 characters, with a numeric suffix when taken by an index
   * or a run, when the cut leaves it ending with the write alias suffix, or when its write alias is already the name
   * of an index or alias (Elasticsearch would refuse to create it: invalid_alias_name_exception).
   */
  private String uniqueIndexName(String dataset, String brainKey) {
    String base = ("simstream-" + dataset + "-" + brainKey).toLowerCase(Locale.ROOT);
    base = base.substring(0, Math.min(base.length(), 230));
    String candidate = base;
    for (int n = 2; candidate.endsWith(WRITE_ALIAS_SUFFIX) || indexes.exists(candidate)
        || runUsingIndex(candidate).isPresent() || indexes.exists(IndexMapping.writeAlias(candidate)); n++) {
      candidate = base + "-" + n;
    }
    return candidate;
  }

  private Optional<SimilarityRun> runUsingIndex(String indexName) {
    return runs.snapshot().values().stream().filter(r -> r.indexName().equals(indexName)).findFirst();
  }

  private static String validBrainKey(String brainKey, String field) {
    if (brainKey == null || brainKey.isBlank()) {
      throw new BadRequestException("missing field: " + field);
    }
    if (!BRAIN_KEY.matcher(brainKey).matches()) {
      throw new BadRequestException(field + " '" + brainKey + "' must match " + BRAIN_KEY.pattern());
    }
    return brainKey;
  }

  private static Metric metric(String name) {
    try {
      return Metric.fromApiName(name);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException(e.getMessage());
    }
  }

  private static String indexOptions(String type) {
    if (!IndexMapping.INDEX_OPTIONS.contains(type)) {
      throw new BadRequestException("indexOptions '" + type + "' is not one of "
          + IndexMapping.INDEX_OPTIONS.stream().sorted().toList());
    }
    return type;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
