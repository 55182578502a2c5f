package io.simstream.embedding;

import io.simstream.embedding.fetch.ImageFetcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  private final OnnxSession tower;
  private final String inputName;
  private final ImagePreprocessor preprocessor;
  private final ImageFetcher fetcher;
  private final ImageLoader loader;
  private final int batchSize;
  private final ExecutorService workers;
  private final int dimensions;

  ImageBatchEmbedder(OnnxSession tower, String inputName, ImagePreprocessor preprocessor, EmbeddingConfig config) {
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
    List<Future<float[]>> current = submit(images, 0);
    for (int start = 0; start < images.size(); start += batchSize) {
      List<Future<float[]>> next = submit(images, start + batchSize);
      try {
        embedChunk(current, results, start);
      } catch (RuntimeException e) {
        current.forEach(f -> f.cancel(true));
        next.forEach(f -> f.cancel(true));
        throw e;
      }
      current = next;
    }
    return Arrays.asList(results);
  }

  private List<Future<float[]>> submit(List<ImageInput> images, int start) {
    List<Future<float[]>> tensors = new ArrayList<>();
    for (int i = start; i < Math.min(images.size(), start + batchSize); i++) {
      ImageInput image = images.get(i);
      tensors.add(workers.submit(() -> prepare(image)));
    }
    return tensors;
  }

  private void embedChunk(List<Future<float[]>> tensors, EmbeddingResult[] results, int offset) {
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

  private float[] prepare(ImageInput input) throws ImageLoadException {
    float[] tensor = new float[preprocessor.spec().tensorLength()];
    loader.load(input, image -> {
      preprocessor.write(image, input.crop(), tensor, 0);
      return tensor;
    });
    return tensor;
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

  @Override
  public void close() {
    workers.shutdownNow();
    tower.close();
    fetcher.close();
  }
}
