package io.simstream.indexer.topology;

import io.simstream.event.Patch;
import io.simstream.event.SampleKey;
import io.simstream.indexer.embed.EmbedderProvider;
import io.simstream.indexer.embed.ImageEmbedder;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.state.BackfillProgress;
import io.simstream.indexer.state.SampleState;
import io.simstream.indexer.write.IndexWriteException;
import io.simstream.indexer.write.PendingWrite;
import io.simstream.indexer.write.VectorIndexWriter;
import io.simstream.indexer.write.WithdrawingWrite;
import io.simstream.indexer.write.WriteOp;
import io.simstream.indexer.write.WriteResult;
import io.simstream.json.Json;
import io.simstream.run.SimilarityRun;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the documents of samples in line with their current state, in three steps the write
 * pipeline runs on different threads: plan the missing vectors ({@link #planEmbeddings}, stream
 * thread), compute them ({@link #embed}, any thread, no store access), store them ({@link
 * #applyEmbeddings}, stream thread, only where the image and box are still the same) and plan the
 * writes of every run from the current state ({@link #planWrites}). {@link #startSync} does all of it
 * in place, for the backfill.
 */
final class DocumentSync {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentSync.class);
  /** One sample to write: its store key, current state (null = deleted), version and removed patches. */
  record Item(String key, SampleState state, long version, Set<String> removedLabelIds) {
    String sampleId() {
      return SampleKey.parse(key).sampleId();
    }

    String dataset() {
      return SampleKey.parse(key).dataset();
    }
  }

  private final KeyValueStore<String, SampleState> samples;
  private final KeyValueStore<String, BackfillProgress> progress;
  private final VectorIndexWriter writer;
  private final EmbedderProvider embedders;
  private final IndexerMetrics metrics;
  private final OwedWrites owed;

  DocumentSync(KeyValueStore<String, SampleState> samples, KeyValueStore<String, BackfillProgress> progress,
               OwedWrites owed, VectorIndexWriter writer, EmbedderProvider embedders,
               IndexerMetrics metrics) {
    this.samples = samples;
    this.progress = progress;
    this.owed = owed;
    this.writer = writer;
    this.embedders = embedders;
    this.metrics = metrics;
  }

  /** Items whose writes were started, as they were when planned (with the vectors computed for them). */
  record Started(List<Item> items, PendingWrite write) {
  }

  /**
   * Embeds and stores what the items miss, in place, then starts their writes: the caller waits on them. For the
   * backfill: its writes replace documents of their own version too, which other weights of the run's model may
   * have computed.
   *
   * @param failed jobs that failed before and were dead-lettered: not tried again
   */
  Started startSync(List<Item> items, Function<String, List<SimilarityRun>> runsOf, Set<EmbeddingPlan.Job> failed,
                    DeadLetterSink deadLetters) {
    EmbeddingPlan plan = planEmbeddings(items, runsOf).part(failed, Integer.MAX_VALUE);
    List<Item> current = items;
    if (!plan.isEmpty()) {
      deadLetterImages(applyEmbeddings(embed(plan), deadLetters), deadLetters);
      current = items.stream().map(i -> new Item(i.key(), samples.get(i.key()), i.version(), i.removedLabelIds()))
          .toList();
    }
    return new Started(current, submit(planWrites(current, runsOf).stream().map(WriteOp::overwritingEqual).toList()));
  }

  /** The images and patches whose model runs have no vector yet, for models this indexer has. */
  EmbeddingPlan planEmbeddings(List<Item> items, Function<String, List<SimilarityRun>> runsOf) {
    Map<String, Set<EmbeddingPlan.Job>> byModel = new LinkedHashMap<>();
    Map<String, Integer> dimsByModel = new HashMap<>();
    for (Item item : items) {
      SampleState state = item.state();
      if (state == null || state.imageUri() == null || state.imageUri().isBlank()) {
        continue;
      }
      for (SimilarityRun run : runsOf.apply(item.dataset())) {
        if (run.isPrecomputed() || embedders.find(run.model()).isEmpty()) {
          continue; // events needing a missing model were dead-lettered per run on arrival
        }
        // A set: runs sharing a model (or a patch in several fields' runs) embed each image once.
        Set<EmbeddingPlan.Job> waiting = new LinkedHashSet<>();
        if (!run.indexesPatches()) {
          if (RunVectors.raw(run, state.embeddings(), state.computed(), computedKey(run.model())) == null) {
            waiting.add(new EmbeddingPlan.Job(item.key(), state.imageUri(), null, null));
          }
        } else {
          for (Patch patch : state.patches()) {
            if (patch.belongsTo(run.patchesField())
                && RunVectors.raw(run, patch.embeddings(), state.computedFor(patch.labelId()),
                    computedKey(run.model())) == null) {
              waiting.add(new EmbeddingPlan.Job(item.key(), state.imageUri(), patch.labelId(), patch.boundingBox()));
            }
          }
        }
        if (!waiting.isEmpty()) {
          byModel.computeIfAbsent(run.model(), m -> new LinkedHashSet<>()).addAll(waiting);
          dimsByModel.put(run.model(), run.dims());
        }
      }
    }
    Map<String, List<EmbeddingPlan.Job>> jobs = new LinkedHashMap<>();
    byModel.forEach((model, set) -> jobs.put(model, List.copyOf(set)));
    return new EmbeddingPlan(jobs, dimsByModel);
  }

  /**
   * Runs the models over the plan, one call per model: the model batches the call itself, fetching each image once
   * however many batches its patches span. Touches no store: safe off the stream thread.
   */
  List<EmbeddingPlan.Result> embed(EmbeddingPlan plan) {
    List<EmbeddingPlan.Result> results = new ArrayList<>();
    plan.jobs().forEach((model, jobs) -> {
      Optional<ImageEmbedder> embedder = embedders.find(model);
      if (embedder.isEmpty()) {
        return;
      }
      int dims = plan.dims().get(model);
      long start = System.nanoTime();
      List<ImageEmbedder.Outcome> outcomes = embedder.get().embedImages(
          jobs.stream().map(EmbeddingPlan.Job::image).toList());
      metrics.embedLatency(System.nanoTime() - start);
      metrics.embeddedImages(jobs.size());
      for (int j = 0; j < jobs.size(); j++) {
        results.add(result(model, dims, jobs.get(j), outcomes.get(j)));
      }
    });
    return results;
  }

  private static EmbeddingPlan.Result result(String model, int dims, EmbeddingPlan.Job job,
                                             ImageEmbedder.Outcome outcome) {
    if (!outcome.succeeded()) {
      return new EmbeddingPlan.Result(model, job, null, outcome.error(), false, outcome.retryable());
    } else if (outcome.vector().length != dims) {
      return new EmbeddingPlan.Result(model, job, null,
          "model " + model + " gave " + outcome.vector().length + " dims, the run has " + dims, true, false);
    } else if (!allFinite(outcome.vector())) {
      // A model overflowing (fp16 on a GPU, say): kept, the vector would be refused at every write of the sample.
      return new EmbeddingPlan.Result(model, job, null,
          "model " + model + " gave a value that is not finite (NaN or infinity)", true, false);
    }
    return new EmbeddingPlan.Result(model, job, outcome.vector(), null, false, false);
  }

  private static boolean allFinite(float[] vector) {
    for (float value : vector) {
      if (!Float.isFinite(value)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stores computed vectors in the samples whose image (and patch box) is still the one embedded, so
   * they are never computed again; dead-letters the images that cannot be embedded.
   *
   * @return the failures that may pass later (fetch failed, timeout), not dead-lettered: the caller
   *     retries them or gives up with {@link #deadLetterImages}
   */
  List<EmbeddingPlan.Result> applyEmbeddings(List<EmbeddingPlan.Result> results, DeadLetterSink deadLetters) {
    Map<String, SampleState> changed = new LinkedHashMap<>();
    List<EmbeddingPlan.Result> retryable = new ArrayList<>();
    Set<String> overflowing = new HashSet<>();
    for (EmbeddingPlan.Result result : results) {
      EmbeddingPlan.Job job = result.job();
      SampleState state = changed.containsKey(job.key()) ? changed.get(job.key()) : samples.get(job.key());
      if (!stillEmbeds(state, job)) {
        continue; // deleted, or given another image or box meanwhile: its own flush embeds the new one
      }
      if (result.vector() == null) {
        if (result.retryable()) {
          retryable.add(result);
        } else {
          deadLetterImages(List.of(result), deadLetters);
        }
        continue;
      }
      String key = computedKey(result.model());
      SampleState next = job.labelId() == null ? state.withComputed(key, result.vector())
          : state.withPatchComputed(job.labelId(), key, result.vector());
      if (next.estimatedBytes() > SampleState.MAX_STORED_BYTES) {
        // Its changelog record could never be written, which would stop the partition: the vectors that do not
        // fit are not kept (their documents are not written), said once per sample and model.
        if (overflowing.add(job.key() + '\n' + result.model())) {
          deadLetters.send(job.key(), describeImage(job.imageUri(), null, result.model()), DeadLetterKind.TOO_LARGE,
              "the vectors model " + result.model() + " computed would take the sample's state past "
                  + SampleState.MAX_STORED_BYTES + " bytes; those that do not fit are not kept or indexed",
              result.model());
        }
        continue;
      }
      changed.put(job.key(), next);
    }
    changed.forEach(samples::put);
    return retryable;
  }

  /** Where a state keeps the vectors the model computes with the weights this indexer has. */
  private String computedKey(String model) {
    return SampleState.computedKey(model, embedders.find(model).map(ImageEmbedder::checkpoint).orElse(""));
  }

  /** Whether the sample still has the job's image (and patch box), so what came of embedding it is still its own. */
  private static boolean stillEmbeds(SampleState state, EmbeddingPlan.Job job) {
    if (state == null || !Objects.equals(state.imageUri(), job.imageUri())) {
      return false;
    }
    return job.labelId() == null || state.patches().stream().anyMatch(p -> p.labelId().equals(job.labelId())
        && Objects.equals(p.boundingBox(), job.box()));
  }

  static void deadLetterImages(List<EmbeddingPlan.Result> failures, DeadLetterSink deadLetters) {
    for (EmbeddingPlan.Result failure : failures) {
      EmbeddingPlan.Job job = failure.job();
      deadLetters.send(job.key(), describeImage(job.imageUri(), job.labelId(), failure.model()),
          failure.wrongDims() ? DeadLetterKind.WRONG_DIMS : DeadLetterKind.UNREADABLE_IMAGE, failure.problem(),
          failure.model());
    }
  }

  /**
   * The writes of every item to every run of its dataset, creating missing indexes first. A run whose filled index
   * Elasticsearch will not show, or that still owes writes from such a time, gets none: they are owed instead.
   */
  List<WriteOp> planWrites(List<Item> items, Function<String, List<SimilarityRun>> runsOf) {
    List<WriteOp> ops = new ArrayList<>(items.size() * 2);
    Map<String, Target> targets = new HashMap<>();
    for (Item item : items) {
      for (SimilarityRun run : runsOf.apply(item.dataset())) {
        Target target = targets.computeIfAbsent(run.indexName(), name -> owed.owes(run) ? Target.OWED
            : check(run).target());
        if (target == Target.OWED) {
          owed.owe(run, item);
        } else if (target == Target.INDEX) {
          plan(item, run, ops);
        }
      }
    }
    return ops;
  }

  /** Starts the writes of what the run owes these items (their current states), and nothing else. */
  Started startOwedWrites(List<Item> items, SimilarityRun run) {
    List<WriteOp> ops = new ArrayList<>(items.size());
    items.forEach(item -> plan(item, run, ops));
    return new Started(items, submit(ops));
  }

  /**
   * The weights the run's vectors come from: a model's checkpoint, empty for precomputed vectors and for weights
   * that ship with simstream. A run's backfill is kept per weights, so new weights fill its index again.
   */
  String weightsOf(SimilarityRun run) {
    return run.isPrecomputed() ? "" : embedders.find(run.model()).map(ImageEmbedder::checkpoint).orElse("");
  }

  private void plan(Item item, SimilarityRun run, List<WriteOp> ops) {
    WritePlanner.plan(item.sampleId(), item.state(), item.version(), item.removedLabelIds(), run,
        run.isPrecomputed() ? run.model() : computedKey(run.model()), ops);
  }

  /** Submits ops; a refused new vector has its document withdrawn before the result completes. */
  PendingWrite submit(List<WriteOp> ops) {
    return WithdrawingWrite.submit(writer, ops);
  }

  /** Where a run's writes go for now. */
  enum Target {
    /** Its index, of the identity checked. */
    INDEX,
    /** Nowhere: Elasticsearch refuses its index, which holds nothing of the run (the backfill fills it later). */
    SKIPPED,
    /** Into {@link OwedWrites}: Elasticsearch will not show an index the run was written into. */
    OWED
  }

  /** A run's index as checked: where its writes go, and the index's identity when they go there. */
  record IndexCheck(Target target, String identity) {
  }

  /**
   * Checks (or creates) the run's index. Elasticsearch may refuse to create it, or to show an index this task never
   * wrote the run into: nothing of the run is in such an index, so its writes are skipped, and the backfill, keyed
   * by the index's identity, fills it once it is usable. An index the run was written into may hold its documents:
   * their writes are owed instead, or they would stay stale for good. The other runs go on meanwhile.
   */
  IndexCheck check(SimilarityRun run) {
    try {
      return new IndexCheck(Target.INDEX, writer.ensureIndex(run));
    } catch (IndexWriteException e) {
      if (!e.refusesIndex()) {
        throw e;
      }
      // The writer logs the refusal when it asks Elasticsearch; here it recurs every flush until then.
      metrics.bulkFailed(IndexerMetrics.INDEX_REFUSED);
      if (e.reason() == IndexWriteException.Reason.INDEX_UNREADABLE && writtenBefore(run)) {
        LOG.debug("Owing the writes of run {} of dataset {} for now: {}", run.brainKey(), run.dataset(),
            e.getMessage());
        return new IndexCheck(Target.OWED, null);
      }
      LOG.debug("Skipping run {} of dataset {} for now: {}", run.brainKey(), run.dataset(), e.getMessage());
      return new IndexCheck(Target.SKIPPED, null);
    }
  }

  /** Whether this task's backfill of the run wrote into any index of it (progress is kept per index identity). */
  private boolean writtenBefore(SimilarityRun run) {
    try (KeyValueIterator<String, BackfillProgress> it = progress.range(Backfill.progressKey(run, "", ""),
        Backfill.progressKey(run, "\uffff", ""))) {
      return it.hasNext();
    }
  }

  /**
   * Sends each write Elasticsearch refused as bad input to the dead-letter topic, keyed by its sample: found by
   * the op's index and sample id, since one batch may hold samples of one id in several datasets.
   */
  static void deadLetterRejections(List<Item> items, Function<String, List<SimilarityRun>> runsOf,
                                   WriteResult result, DeadLetterSink deadLetters) {
    if (result.rejected().isEmpty()) {
      return;
    }
    Map<String, String> sampleKeyByDocument = new HashMap<>();
    for (Item item : items) {
      for (SimilarityRun run : runsOf.apply(item.dataset())) {
        sampleKeyByDocument.put(run.indexName() + '\n' + item.sampleId(), item.key());
      }
    }
    for (WriteResult.Rejection rejection : result.rejected()) {
      WriteOp op = rejection.op();
      deadLetters.send(sampleKeyByDocument.getOrDefault(op.index() + '\n' + op.sampleId(), op.sampleId()),
          describe(op), DeadLetterKind.REJECTED_BY_INDEX, rejection.reason(), op.index());
    }
  }

  private static byte[] describe(WriteOp op) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("index", op.index());
    doc.put("id", op.id());
    doc.put("version", op.version());
    doc.put("dims", op.vector() == null ? 0 : op.vector().length);
    return Json.MAPPER.valueToTree(doc).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The value of an unreadable-image dead letter: the image, the patch if it was one, the model. */
  private static byte[] describeImage(String imageUri, String labelId, String model) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("imageUri", imageUri);
    if (labelId != null) {
      body.put("labelId", labelId);
    }
    body.put("model", model);
    return Json.MAPPER.valueToTree(body).toString().getBytes(StandardCharsets.UTF_8);
  }
}
