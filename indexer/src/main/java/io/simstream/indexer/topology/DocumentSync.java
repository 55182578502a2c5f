package io.simstream.indexer.topology;

import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import io.simstream.event.SampleKey;
import io.simstream.indexer.embed.EmbedderProvider;
import io.simstream.indexer.embed.ImageEmbedder;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.indexer.state.SampleState;
import io.simstream.indexer.write.VectorIndexWriter;
import io.simstream.indexer.write.WriteOp;
import io.simstream.indexer.write.WriteResult;
import io.simstream.json.Json;
import io.simstream.run.SimilarityRun;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Brings the documents of a batch of samples in line with their current state: computes missing
 * vectors of images and patches with the runs' models (storing them in the sample state, so they are
 * never recomputed), plans the writes of every run and writes them. Shared by the flush of pending
 * changes and the backfill.
 */
final class DocumentSync {
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
  private final VectorIndexWriter writer;
  private final EmbedderProvider embedders;
  private final int embedBatchSize;
  private final IndexerMetrics metrics;

  DocumentSync(KeyValueStore<String, SampleState> samples, VectorIndexWriter writer, EmbedderProvider embedders,
               int embedBatchSize, IndexerMetrics metrics) {
    this.samples = samples;
    this.writer = writer;
    this.embedders = embedders;
    this.embedBatchSize = embedBatchSize;
    this.metrics = metrics;
  }

  /** Writes every item to every run {@code runsOf} gives for its dataset; returns the number of writes. */
  int sync(List<Item> items, Function<String, List<SimilarityRun>> runsOf, DeadLetterSink deadLetters) {
    List<Item> complete = embedMissing(items, runsOf, deadLetters);
    List<WriteOp> ops = new ArrayList<>(complete.size() * 2);
    Set<SimilarityRun> ensured = new HashSet<>();
    for (Item item : complete) {
      String sampleId = item.sampleId();
      for (SimilarityRun run : runsOf.apply(item.dataset())) {
        if (ensured.add(run)) {
          writer.ensureIndex(run);
        }
        WritePlanner.plan(sampleId, item.state(), item.version(), item.removedLabelIds(), run, ops);
      }
    }
    if (ops.isEmpty()) {
      return 0;
    }
    WriteResult result = writer.write(ops);
    for (WriteResult.Rejection rejection : result.rejected()) {
      WriteOp op = rejection.op();
      deadLetters.send(SampleKey.prefixOf(datasetOf(items, op)) + op.sampleId(), describe(op),
          DeadLetterKind.REJECTED_BY_INDEX, rejection.reason(), op.index());
    }
    return ops.size();
  }

  private static String datasetOf(List<Item> items, WriteOp op) {
    return items.stream().filter(i -> i.sampleId().equals(op.sampleId())).findFirst().map(Item::dataset).orElse("");
  }

  private static byte[] describe(WriteOp op) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("index", op.index());
    doc.put("id", op.id());
    doc.put("version", op.version());
    doc.put("dims", op.vector() == null ? 0 : op.vector().length);
    return Json.MAPPER.valueToTree(doc).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One image or patch a model must embed: the item it belongs to and the patch, null for the whole image. */
  private record Job(int item, String labelId, BoundingBox box) {
    ImageEmbedder.Image image(SampleState state) {
      return labelId == null ? ImageEmbedder.Image.whole(state.imageUri())
          : ImageEmbedder.Image.cropped(state.imageUri(), box);
    }
  }

  /** Embeds the images and patches whose model runs have no vector yet, batch by batch. */
  private List<Item> embedMissing(List<Item> items, Function<String, List<SimilarityRun>> runsOf,
                                  DeadLetterSink deadLetters) {
    Map<String, Set<Job>> byModel = new LinkedHashMap<>();
    Map<String, Integer> dimsByModel = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      SampleState state = items.get(i).state();
      if (state == null || state.imageUri() == null || state.imageUri().isBlank()) {
        continue;
      }
      for (SimilarityRun run : runsOf.apply(items.get(i).dataset())) {
        if (run.isPrecomputed()) {
          continue;
        }
        // A set: runs sharing a model (or a patch in several fields' runs) embed each image once.
        Set<Job> waiting = new LinkedHashSet<>();
        if (!run.indexesPatches()) {
          if (RunVectors.raw(run, state.embeddings(), state.computed()) == null) {
            waiting.add(new Job(i, null, null));
          }
        } else {
          for (Patch patch : state.patches()) {
            if (patch.belongsTo(run.patchesField())
                && RunVectors.raw(run, patch.embeddings(), state.computedFor(patch.labelId())) == null) {
              waiting.add(new Job(i, patch.labelId(), patch.boundingBox()));
            }
          }
        }
        if (!waiting.isEmpty()) {
          byModel.computeIfAbsent(run.model(), m -> new LinkedHashSet<>()).addAll(waiting);
          dimsByModel.put(run.model(), run.dims());
        }
      }
    }
    if (byModel.isEmpty()) {
      return items;
    }
    List<Item> result = new ArrayList<>(items);
    Set<Integer> embedded = new TreeSet<>();
    byModel.forEach((model, jobSet) -> {
      Optional<ImageEmbedder> embedder = embedders.find(model);
      if (embedder.isEmpty()) {
        return; // events needing it were dead-lettered on arrival; a backfill leaves them unindexed
      }
      List<Job> jobs = List.copyOf(jobSet);
      for (int from = 0; from < jobs.size(); from += embedBatchSize) {
        List<Job> batch = jobs.subList(from, Math.min(jobs.size(), from + embedBatchSize));
        List<ImageEmbedder.Image> images = batch.stream()
            .map(job -> job.image(result.get(job.item()).state())).toList();
        long start = System.nanoTime();
        List<ImageEmbedder.Outcome> outcomes = embedder.get().embedImages(images);
        metrics.embedLatency(System.nanoTime() - start);
        for (int j = 0; j < batch.size(); j++) {
          Job job = batch.get(j);
          Item item = result.get(job.item());
          ImageEmbedder.Outcome outcome = outcomes.get(j);
          String problem = !outcome.succeeded() ? outcome.error()
              : outcome.vector().length != dimsByModel.get(model)
              ? "model " + model + " gave " + outcome.vector().length + " dims, the run has " + dimsByModel.get(model)
              : null;
          if (problem != null) {
            DeadLetterKind kind = outcome.succeeded() ? DeadLetterKind.WRONG_DIMS : DeadLetterKind.UNREADABLE_IMAGE;
            deadLetters.send(item.key(), describeImage(item.state().imageUri(), job.labelId(), model), kind, problem,
                model);
            continue;
          }
          SampleState state = job.labelId() == null ? item.state().withComputed(model, outcome.vector())
              : item.state().withPatchComputed(job.labelId(), model, outcome.vector());
          result.set(job.item(), new Item(item.key(), state, item.version(), item.removedLabelIds()));
          embedded.add(job.item());
        }
      }
    });
    // Stored once per sample, however many of its patches were embedded.
    for (int i : embedded) {
      samples.put(result.get(i).key(), result.get(i).state());
    }
    return result;
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
