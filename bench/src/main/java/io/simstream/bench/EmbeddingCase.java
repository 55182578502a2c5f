package io.simstream.bench;

import io.simstream.elasticsearch.IndexMapping;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.ImageInput;
import io.simstream.embedding.ModelCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Case 4: images per second of the bundled MobileNetV2 called directly (load, decode, preprocess,
 * infer: all the work the indexer must do per image) against the indexer embedding the same images
 * from sample-added events until they are searchable.
 */
final class EmbeddingCase implements BenchCase {
  static final String NAME = "embedding";
  static final double TARGET_RATIO = 0.9;
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final int IMAGE_QUERIES = 30;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    List<Path> files = SyntheticImages.write(stack.workDir().resolve("images"), scale.images());
    List<ImageInput> inputs = files.stream().map(ImageInput::of).toList();
    Embedder embedder = stack.imageModel();
    // Each path embeds every image once untimed first, as the ingest case warms Elasticsearch: after a quarter as
    // many warm-up images the JIT compilers still took a tenth of the indexer run's CPU (bench.md, seventeenth look).
    embedder.embedImages(inputs);
    Map<String, Double> cpuBefore = stack.cpu().millis();
    Map<String, Long> threadsBefore = ThreadCpu.nanos();
    long start = System.nanoTime();
    List<EmbeddingResult> results = embedder.embedImages(inputs);
    double raw = inputs.size() / ((System.nanoTime() - start) / 1e9);
    Map<String, Double> rawCpu = StackCpu.between(cpuBefore, stack.cpu().millis());
    String rawThreads = ThreadCpu.perThousand(threadsBefore, ThreadCpu.nanos(), inputs.size());
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
    pipeline.ingest(index, imageEvents(dataset, "warm-up", files), files.size() + 1L, TIMEOUT);
    Pipeline.Measured through = pipeline.ingest(index, imageEvents(dataset, "img", files),
        2L * files.size() + 1L, TIMEOUT);
    double endToEnd = through.perSecond();
    double[] imageQuery = imageQueryMillis(stack, embedder, dataset, files);
    stack.dropRun(dataset, "img", index);
    System.out.printf("embedding: %.1f images/s through the indexer, %.1f raw model (%s), ratio %.2f%n", endToEnd,
        raw, embedder.engineName(), endToEnd / raw);
    // Both runs share the machine's cores with the idle (raw) or busy (indexer) servers: when the raw model keeps
    // them busy, the servers' CPU per image is what the indexer cannot get back by overlapping.
    System.out.printf("embedding: CPU ms per 1,000 images: raw model %s (%.1f cores busy); through the indexer %s"
            + " (%.1f cores busy); %d cores%n", StackCpu.perThousand(rawCpu, files.size()),
        coresBusy(rawCpu, files.size(), raw), StackCpu.perThousand(through.cpuMillis(), files.size()),
        coresBusy(through.cpuMillis(), files.size(), endToEnd), Runtime.getRuntime().availableProcessors());
    System.out.printf("embedding: bench JVM threads' CPU ms per 1,000 images, raw model: %s%n", rawThreads);
    System.out.printf("embedding: bench JVM threads' CPU ms per 1,000 images, through the indexer, %s%n",
        through.threads());
    System.out.printf("embedding: query by image p50 %.1f ms over HTTP, the model's own embed of one image %.1f ms%n",
        imageQuery[0], imageQuery[1]);
    return new CaseResult(NAME, "Embedding: indexer end to end vs the raw model (images/s)",
        figures(raw, rawCpu, endToEnd, through, imageQuery, files.size()),
        List.of(String.format("%s (%d-d) on %s; %d JPEG files %dx%d, each embedded once untimed first on both paths",
                ModelCatalog.MOBILENET_V2_NSFWJS, dims, embedder.engineName(), files.size(), SyntheticImages.WIDTH,
                SyntheticImages.HEIGHT),
            "raw: Embedder.embedImages on all files at once (read, decode, preprocess, infer), the very model "
                + "instance the indexer uses (EmbedderRegistry.from(config): batch = indexer.embed.batch-size)",
            "simstream: sample_added events with imageUri and no vector, timed until all are searchable",
            "query by image: sort-by-similarity with the file's bytes as image, k = 10, " + IMAGE_QUERIES
                + " queries one at a time after 2 warm-up ones; against Embedder.embedImages of one file"));
  }

  private static List<SampleEvents.Encoded> imageEvents(String dataset, String idPrefix, List<Path> files) {
    List<SampleEvents.Encoded> events = new ArrayList<>(files.size());
    for (int i = 0; i < files.size(); i++) {
      events.add(SampleEvents.withImage(dataset, SampleEvents.sampleId(idPrefix, i), files.get(i).toUri().toString()));
    }
    return events;
  }

  private static List<Figure> figures(double raw, Map<String, Double> rawCpu, double endToEnd,
                                      Pipeline.Measured through, double[] imageQuery, int images) {
    List<Figure> figures = new ArrayList<>(List.of(
        Figure.throughput("embed images", "images/s", endToEnd, "raw model", raw, TARGET_RATIO),
        Figure.latency("query by image p50", imageQuery[0], "embed one image p50", imageQuery[1], null, null),
        Figure.of("cores busy, raw model", Figure.Kind.RESOURCE, "cores", coresBusy(rawCpu, images, raw)),
        Figure.of("cores busy, through the indexer", Figure.Kind.RESOURCE, "cores",
            coresBusy(through.cpuMillis(), images, endToEnd))));
    figures.addAll(StackCpu.figures("CPU ms per 1,000 images, raw model", rawCpu, images));
    figures.addAll(StackCpu.figures("CPU ms per 1,000 images, through the indexer", through.cpuMillis(), images));
    return figures;
  }

  /** The stack's CPU seconds per second of a run that took {@code images / perSecond} seconds. */
  private static double coresBusy(Map<String, Double> cpuMillis, int images, double perSecond) {
    return StackCpu.total(cpuMillis) / 1000 / (images / perSecond);
  }

  /** p50 of a query by image through the API, and of the model embedding one image itself (ms). */
  private static double[] imageQueryMillis(BenchStack stack, Embedder embedder, String dataset, List<Path> files)
      throws IOException {
    List<Double> queries = new ArrayList<>();
    List<Double> embeds = new ArrayList<>();
    for (int i = -2; i < IMAGE_QUERIES; i++) {
      Path file = files.get(Math.floorMod(i, files.size()));
      byte[] bytes = Files.readAllBytes(file);
      long start = System.nanoTime();
      stack.apiQueries().sortBySimilarity(dataset, "img", Map.of("image", bytes, "k", 10));
      double queryMs = (System.nanoTime() - start) / 1e6;
      start = System.nanoTime();
      embedder.embedImages(List.of(ImageInput.of(file)));
      double embedMs = (System.nanoTime() - start) / 1e6;
      if (i >= 0) {
        queries.add(queryMs);
        embeds.add(embedMs);
      }
    }
    return new double[] {Stats.percentile(queries, 50), Stats.percentile(embeds, 50)};
  }
}
