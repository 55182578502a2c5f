package io.simstream.embedding;

import io.simstream.embedding.fetch.ImageFetcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared image path of every embedder: fetch, decode and preprocess each image on a small thread
 * pool, run the ones that worked through the image tower in batches, and report the others as
 * failed entries.
 */
final class ImageBatchEmbedder implements AutoCloseable {

  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final ImageTower tower;
  private final String inputName;
  private final ImagePreprocessor preprocessor;
  private final ImageFetcher fetcher;
  private final ImageLoader loader;
  private final int batchSize;
  private final ExecutorService workers;
  private final int dimensions;
  /** Chunks submitted and not yet embedded, for close to end. */
  private final Set<Chunk> loading = ConcurrentHashMap.newKeySet();

  ImageBatchEmbedder(ImageTower tower, String inputName, ImagePreprocessor preprocessor, EmbeddingConfig config) {
    this.tower = tower;
    this.inputName = inputName;
    this.preprocessor = preprocessor;
    this.fetcher = new ImageFetcher(config.imageTimeout(), config.maxImageBytes(), config.s3());
    this.loader = new ImageLoader(fetcher, config.maxImagePixels(), new DecodeBudget(config.maxDecodeBytes()));
    this.batchSize = tower.fixedBatch() > 0 ? tower.fixedBatch() : config.batchSize();
    // One blank image checks that the tower runs on this engine and tells the vector length.
    this.dimensions = infer(new float[preprocessor.spec().tensorLength()], 1).length;
    int poolId = POOL_IDS.incrementAndGet();
    AtomicInteger threadIds = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(config.loaderThreads(), runnable -> {
      Thread thread = new Thread(runnable, "simstream-image-loader-" + poolId + "-" + threadIds.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  int dimensions() {
    return dimensions;
  }

  String engineName() {
    return tower.engineName();
  }

  /** Chunks of one batch; the next chunk is fetched and preprocessed while the current one runs. */
  List<EmbeddingResult> embed(List<ImageInput> images) {
    EmbeddingResult[] results = new EmbeddingResult[images.size()];
    Chunk current = submit(images, 0);
    for (int start = 0; start < images.size(); start += batchSize) {
      Chunk next = submit(images, start + batchSize);
      try {
        embedChunk(current.tensors(), results, start);
      } catch (RuntimeException e) {
        current.cancel();
        next.cancel();
        throw e;
      } finally {
        loading.remove(current);
      }
      current = next;
    }
    loading.remove(current);
    return Arrays.asList(results);
  }

  /**
   * Starts loading a chunk: one job per distinct image in it (same URI, or same bytes array), so
   * the many patch boxes of one image cost one fetch and one decode, not one each.
   */
  private Chunk submit(List<ImageInput> images, int start) {
    List<CompletableFuture<float[]>> tensors = new ArrayList<>();
    Map<Object, List<Integer>> byImage = new LinkedHashMap<>(); // a byte[] key is equal to itself only
    for (int i = start; i < Math.min(images.size(), start + batchSize); i++) {
      tensors.add(new CompletableFuture<>());
      ImageInput image = images.get(i);
      byImage.computeIfAbsent(image.uri() != null ? image.uri() : image.bytes(), key -> new ArrayList<>()).add(i);
    }
    List<Future<?>> jobs = new ArrayList<>();
    for (List<Integer> positions : byImage.values()) {
      List<ImageInput> crops = positions.stream().map(images::get).toList();
      List<CompletableFuture<float[]>> targets = positions.stream().map(i -> tensors.get(i - start)).toList();
      jobs.add(workers.submit(() -> prepare(crops, targets)));
    }
    Chunk chunk = new Chunk(tensors, jobs);
    loading.add(chunk);
    return chunk;
  }

  private void embedChunk(List<? extends Future<float[]>> tensors, EmbeddingResult[] results, int offset) {
    int length = preprocessor.spec().tensorLength();
    float[] batch = new float[tensors.size() * length];
    int[] positions = new int[tensors.size()];
    int count = 0;
    for (int i = 0; i < tensors.size(); i++) {
      try {
        System.arraycopy(tensors.get(i).get(), 0, batch, count * length, length);
        positions[count++] = offset + i;
      } catch (ExecutionException e) {
        results[offset + i] = failure(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddingException("Interrupted while loading images");
      }
    }
    if (count == 0) {
      return;
    }
    float[] vectors = infer(batch, count);
    for (int i = 0; i < count; i++) {
      results[positions[i]] = EmbeddingResult.success(Vectors.normalized(vectors, i * dimensions, dimensions));
    }
  }

  /**
   * Loads the image once and preprocesses each crop while its decode memory is reserved, so the
   * decoded image is released after its last crop. A crop that fails fails alone; a load that
   * fails, fails them all.
   */
  private void prepare(List<ImageInput> crops, List<CompletableFuture<float[]>> tensors) {
    try {
      loader.load(crops.get(0), image -> {
        for (int i = 0; i < crops.size(); i++) {
          float[] tensor = new float[preprocessor.spec().tensorLength()];
          try {
            preprocessor.write(image, crops.get(i).crop(), tensor, 0);
            tensors.get(i).complete(tensor);
          } catch (RuntimeException e) {
            tensors.get(i).completeExceptionally(e);
          }
        }
        return null;
      });
    } catch (Throwable e) {
      // Whatever stopped the load (an Error too) must reach the waiting positions, or they would wait forever.
      tensors.forEach(tensor -> tensor.completeExceptionally(e));
    }
  }

  private static EmbeddingResult failure(Throwable cause) {
    if (cause instanceof ImageLoadException e) {
      return EmbeddingResult.failed(e.failure(), e.getMessage());
    }
    // Any other per-image problem (a decoder bug on odd data, say) must not fail the whole batch.
    return EmbeddingResult.failed(EmbeddingFailure.UNDECODABLE, "cannot process image: " + cause);
  }

  /** Runs {@code count} images; a fixed-batch engine gets zero padding that is dropped again. */
  private float[] infer(float[] pixels, int count) {
    int size = preprocessor.spec().size();
    int length = preprocessor.spec().tensorLength();
    int runBatch = tower.fixedBatch() > 0 ? tower.fixedBatch() : count;
    float[] input = runBatch == count ? pixels : Arrays.copyOf(pixels, runBatch * length);
    float[] output = tower.run(ModelInput.floats(inputName, input, runBatch, 3, size, size));
    if (output.length % runBatch != 0) {
      throw new EmbeddingException("Image tower output of " + output.length + " values does not split into " + runBatch + " rows");
    }
    return runBatch == count ? output : Arrays.copyOf(output, count * (output.length / runBatch));
  }

  /** One chunk being loaded: a tensor per position, each completed by the job of its image. */
  private record Chunk(List<CompletableFuture<float[]>> tensors, List<Future<?>> jobs) {

    void cancel() {
      jobs.forEach(job -> job.cancel(true));
      tensors.forEach(tensor -> tensor.cancel(true));
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
    // Jobs still queued never run now: their chunks' waits end here, or a batch would wait for them for ever.
    loading.forEach(Chunk::cancel);
    tower.close();
    fetcher.close();
  }
}
