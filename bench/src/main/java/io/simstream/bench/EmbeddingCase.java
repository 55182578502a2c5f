package io.simstream.bench;

import io.simstream.elasticsearch.IndexMapping;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.ImageInput;
import io.simstream.embedding.ModelCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Case 4: images per second of the bundled MobileNetV2 called directly (load, decode, preprocess,
 * infer: all the work the indexer must do per image) against the indexer embedding the same images
 * from sample-added events until they are searchable.
 */
final class EmbeddingCase implements BenchCase {
  static final String NAME = "embedding";
  static final double TARGET_RATIO = 0.9;
  private static final int WARM_UP_IMAGES = 8;
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    List<Path> files = SyntheticImages.write(stack.workDir().resolve("images"), scale.images());
    List<ImageInput> inputs = files.stream().map(ImageInput::of).toList();
    Embedder embedder = stack.imageModel();
    embedder.embedImages(inputs.subList(0, Math.min(WARM_UP_IMAGES, inputs.size())));
    long start = System.nanoTime();
    List<EmbeddingResult> results = embedder.embedImages(inputs);
    double raw = inputs.size() / ((System.nanoTime() - start) / 1e9);
    long failed = results.stream().filter(r -> !r.isSuccess()).count();
    if (failed > 0) {
      throw new IllegalStateException(failed + " of " + inputs.size() + " images failed to embed");
    }

    String dataset = stack.uniqueName("embedding");
    stack.api().registerDataset(dataset);
    int dims = embedder.dimensions();
    String index = stack.api().createRun(dataset, "img", ModelCatalog.MOBILENET_V2_NSFWJS, dims,
        IndexMapping.DEFAULT_INDEX_OPTIONS);
    Pipeline pipeline = new Pipeline(stack);
    pipeline.prime(index, SampleEvents.withImage(dataset, "prime", files.get(0).toUri().toString()), TIMEOUT);
    List<SampleEvents.Encoded> events = new ArrayList<>(files.size());
    for (int i = 0; i < files.size(); i++) {
      events.add(SampleEvents.withImage(dataset, SampleEvents.sampleId("img", i), files.get(i).toUri().toString()));
    }
    double endToEnd = pipeline.ingest(index, events, files.size() + 1L, TIMEOUT).perSecond();
    stack.dropRun(dataset, "img", index);
    System.out.printf("embedding: %.1f images/s through the indexer, %.1f raw model (%s), ratio %.2f%n", endToEnd,
        raw, embedder.engineName(), endToEnd / raw);
    return new CaseResult(NAME, "Embedding: indexer end to end vs the raw model (images/s)",
        List.of(Figure.throughput("embed images", "images/s", endToEnd, "raw model", raw, TARGET_RATIO)),
        List.of(String.format("%s (%d-d) on %s; %d JPEG files %dx%d, %d warm-up images",
                ModelCatalog.MOBILENET_V2_NSFWJS, dims, embedder.engineName(), files.size(), SyntheticImages.WIDTH,
                SyntheticImages.HEIGHT, WARM_UP_IMAGES),
            "raw: Embedder.embedImages on all files at once (read, decode, preprocess, infer), the very model "
                + "instance the indexer uses (EmbedderRegistry.from(config): batch = indexer.embed.batch-size)",
            "simstream: sample_added events with imageUri and no vector, timed until all are searchable"));
  }
}
