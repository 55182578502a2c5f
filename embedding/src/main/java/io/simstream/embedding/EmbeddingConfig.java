package io.simstream.embedding;

import io.simstream.embedding.fetch.S3Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings for {@link EmbedderFactory}.
 *
 * @param engine          which engine runs the image tower
 * @param model           catalog name, see {@link ModelCatalog}
 * @param clipDirectory   for {@value ModelCatalog#CLIP_ONNX}: folder with the ONNX towers and tokenizer.json
 * @param batchSize       images per inference call (also the fixed batch of a TensorRT engine)
 * @param imageTimeout    limit for fetching one image (connect plus download)
 * @param maxImageBytes   larger files or downloads fail with {@link EmbeddingFailure#TOO_LARGE}
 * @param maxImagePixels  larger images (width x height, checked before decoding) fail likewise
 * @param maxDecodeBytes  heap that the images being decoded and preprocessed may hold at once; an
 *                        image whose decode alone would exceed it is decoded subsampled
 * @param loaderThreads   images fetched and preprocessed in parallel
 * @param cacheDirectory  where the bundled model is unpacked and TensorRT inputs are written
 * @param s3              where s3:// images are read from
 */
public record EmbeddingConfig(
    EngineChoice engine,
    String model,
    Path clipDirectory,
    int batchSize,
    Duration imageTimeout,
    long maxImageBytes,
    long maxImagePixels,
    long maxDecodeBytes,
    int loaderThreads,
    Path cacheDirectory,
    S3Options s3) {

  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final Duration DEFAULT_IMAGE_TIMEOUT = Duration.ofSeconds(10);
  public static final long DEFAULT_MAX_IMAGE_BYTES = 32L * 1024 * 1024;
  /** Same order as Pillow's decompression-bomb limit (~89 MP). */
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 90_000_000L;
  /** Enough for one 1-megapixel image; less would decode everything coarsely. */
  public static final long MIN_DECODE_BYTES = 16L * 1024 * 1024;

  /** A quarter of the maximum heap: room for the model, the batch and the caller beside the decodes. */
  public static long defaultMaxDecodeBytes() {
    return Math.max(MIN_DECODE_BYTES, Runtime.getRuntime().maxMemory() / 4);
  }

  public EmbeddingConfig {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(imageTimeout, "imageTimeout");
    Objects.requireNonNull(cacheDirectory, "cacheDirectory");
    Objects.requireNonNull(s3, "s3");
    if (batchSize < 1 || loaderThreads < 1 || maxImageBytes < 1 || maxImagePixels < 1
        || imageTimeout.isNegative() || imageTimeout.isZero()) {
      throw new IllegalArgumentException("batch size, loader threads, limits and timeout must be positive");
    }
    if (maxDecodeBytes < MIN_DECODE_BYTES) {
      throw new IllegalArgumentException("decode budget must be at least " + MIN_DECODE_BYTES + " bytes");
    }
  }

  /**
   * MobileNetV2 on the best available engine, batch 32, 10 s / 32 MiB / 90 MP per image, decodes in heap/4,
   * s3:// from AWS S3.
   */
  public static EmbeddingConfig defaults() {
    return new EmbeddingConfig(EngineChoice.AUTO, ModelCatalog.MOBILENET_V2_NSFWJS, null, DEFAULT_BATCH_SIZE,
        DEFAULT_IMAGE_TIMEOUT, DEFAULT_MAX_IMAGE_BYTES, DEFAULT_MAX_IMAGE_PIXELS, defaultMaxDecodeBytes(),
        Math.min(4, Runtime.getRuntime().availableProcessors()),
        Path.of(System.getProperty("java.io.tmpdir"), "simstream-embedding"), S3Options.defaults());
  }

  public EmbeddingConfig withEngine(EngineChoice value) {
    return new EmbeddingConfig(value, model, clipDirectory, batchSize, imageTimeout, maxImageBytes,
        maxImagePixels, maxDecodeBytes, loaderThreads, cacheDirectory, s3);
  }

  public EmbeddingConfig withModel(String value) {
    return new EmbeddingConfig(engine, value, clipDirectory, batchSize, imageTimeout, maxImageBytes,
        maxImagePixels, maxDecodeBytes, loaderThreads, cacheDirectory, s3);
  }

  /** Selects {@value ModelCatalog#CLIP_ONNX} with the towers in {@code directory}. */
  public EmbeddingConfig withClipDirectory(Path directory) {
    return new EmbeddingConfig(engine, ModelCatalog.CLIP_ONNX, directory, batchSize, imageTimeout, maxImageBytes,
        maxImagePixels, maxDecodeBytes, loaderThreads, cacheDirectory, s3);
  }

  public EmbeddingConfig withBatchSize(int value) {
    return new EmbeddingConfig(engine, model, clipDirectory, value, imageTimeout, maxImageBytes,
        maxImagePixels, maxDecodeBytes, loaderThreads, cacheDirectory, s3);
  }

  public EmbeddingConfig withImageLimits(Duration timeout, long maxBytes, long maxPixels) {
    return new EmbeddingConfig(engine, model, clipDirectory, batchSize, timeout, maxBytes,
        maxPixels, maxDecodeBytes, loaderThreads, cacheDirectory, s3);
  }

  public EmbeddingConfig withMaxDecodeBytes(long value) {
    return new EmbeddingConfig(engine, model, clipDirectory, batchSize, imageTimeout, maxImageBytes,
        maxImagePixels, value, loaderThreads, cacheDirectory, s3);
  }

  public EmbeddingConfig withCacheDirectory(Path value) {
    return new EmbeddingConfig(engine, model, clipDirectory, batchSize, imageTimeout, maxImageBytes,
        maxImagePixels, maxDecodeBytes, loaderThreads, value, s3);
  }

  public EmbeddingConfig withS3(S3Options value) {
    return new EmbeddingConfig(engine, model, clipDirectory, batchSize, imageTimeout, maxImageBytes,
        maxImagePixels, maxDecodeBytes, loaderThreads, cacheDirectory, value);
  }
}
