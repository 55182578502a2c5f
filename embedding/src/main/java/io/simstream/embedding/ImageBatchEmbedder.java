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

  /** Chunks of a batch each; the next chunk is fetched and preprocessed while the current one runs. */
  List<EmbeddingResult> embed(List<ImageInput> images) {
    EmbeddingResult[] results = new EmbeddingResult[images.size()];
    List<List<List<Integer>>> chunks = chunksByImage(images);
    Chunk current = chunks.isEmpty() ? null : submit(images, chunks.get(0));
    for (int c = 0; c < chunks.size(); c++) {
      Chunk next = c + 1 < chunks.size() ? submit(images, chunks.get(c + 1)) : null;
      try {
        embedChunk(current, results);
      } catch (RuntimeException e) {
        current.cancel();
        if (next != null) {
          next.cancel();
        }
        throw e;
      } finally {
        loading.remove(current);
      }
      current = next;
    }
    return Arrays.asList(results);
  }

  /**
   * The positions of each distinct image (same URI, or same bytes array), packed whole into chunks of at most a
   * batch: the many patch boxes of one image cost one fetch and one decode per call, not one per box or per batch
   * they span. An image of more boxes than a batch is a chunk of its own, run in several batches; its crops' tensors
   * are then held at once (200 boxes at 224x224: 120 MB), the price of decoding it once.
   */
  private List<List<List<Integer>>> chunksByImage(List<ImageInput> images) {
    Map<Object, List<Integer>> byImage = new LinkedHashMap<>(); // a byte[] key is equal to itself only
    for (int i = 0; i < images.size(); i++) {
      ImageInput image = images.get(i);
      byImage.computeIfAbsent(image.uri() != null ? image.uri() : image.bytes(), key -> new ArrayList<>()).add(i);
    }
    List<List<List<Integer>>> chunks = new ArrayList<>();
    List<List<Integer>> chunk = new ArrayList<>();
    int size = 0;
    for (List<Integer> image : byImage.values()) {
      if (size > 0 && size + image.size() > batchSize) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        size = 0;
      }
      chunk.add(image);
      size += image.size();
    }
    if (size > 0) {
      chunks.add(chunk);
    }
    return chunks;
  }

  /** Starts loading a chunk: one job per image in it, completing the tensors of all its positions. */
  private Chunk submit(List<ImageInput> images, List<List<Integer>> imagePositions) {
    List<Integer> positions = new ArrayList<>();
    List<CompletableFuture<float[]>> tensors = new ArrayList<>();
    List<Future<?>> jobs = new ArrayList<>();
    for (List<Integer> image : imagePositions) {
      List<CompletableFuture<float[]>> targets = new ArrayList<>();
      for (int position : image) {
        CompletableFuture<float[]> tensor = new CompletableFuture<>();
        positions.add(position);
        tensors.add(tensor);
        targets.add(tensor);
      }
      List<ImageInput> crops = image.stream().map(images::get).toList();
      jobs.add(workers.submit(() -> prepare(crops, targets)));
    }
    Chunk chunk = new Chunk(positions, tensors, jobs);
    loading.add(chunk);
    return chunk;
  }

  /** Runs a chunk's loaded tensors through the tower a batch at a time; a tensor that failed to load fails alone. */
  private void embedChunk(Chunk chunk, EmbeddingResult[] results) {
    int length = preprocessor.spec().tensorLength();
    for (int from = 0; from < chunk.positions().size(); from += batchSize) {
      int to = Math.min(chunk.positions().size(), from + batchSize);
      float[] batch = new float[(to - from) * length];
      int[] positions = new int[to - from];
      int count = 0;
      for (int i = from; i < to; i++) {
        int position = chunk.positions().get(i);
        try {
          System.arraycopy(chunk.tensors().get(i).get(), 0, batch, count * length, length);
          positions[count++] = position;
        } catch (ExecutionException e) {
          results[position] = failure(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EmbeddingException("Interrupted while loading images");
        }
      }
      if (count > 0) {
        float[] vectors = infer(batch, count);
        for (int i = 0; i < count; i++) {
          results[positions[i]] = EmbeddingResult.success(Vectors.normalized(vectors, i * dimensions, dimensions));
        }
      }
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

  /** One chunk being loaded: the call's positions in it, a tensor for each, completed by the job of its image. */
  private record Chunk(List<Integer> positions, List<CompletableFuture<float[]>> tensors, List<Future<?>> jobs) {

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
