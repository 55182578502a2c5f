package io.simstream.embedding;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.embedding.fetch.S3Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedders a process uses, opened on first use and shared: the indexer embeds images with
 * them and the query API embeds prompts, each naming the model by the name a run stores.
 */
public final class EmbedderRegistry implements AutoCloseable {
  private final EmbeddingConfig base;
  private final Map<String, Embedder> open = new ConcurrentHashMap<>();

  public EmbedderRegistry(EmbeddingConfig base) {
    this.base = base;
  }

  /** Engine, batch size, image limits, s3 endpoint, cache folder and CLIP directory from simstream's configuration. */
  public static EmbedderRegistry from(SimstreamConfig config) {
    return new EmbedderRegistry(baseConfig(config));
  }

  /**
   * The same for the query API, which embeds one image or prompt per request: a TensorRT tower is built for
   * batches of one, where one built for the indexer's batches would pad every query to that size.
   */
  public static EmbedderRegistry forSingleQueries(SimstreamConfig config) {
    return new EmbedderRegistry(baseConfig(config).withBatchSize(1));
  }

  EmbeddingConfig base() {
    return base;
  }

  private static EmbeddingConfig baseConfig(SimstreamConfig config) {
    EmbeddingConfig base = EmbeddingConfig.defaults()
        .withEngine(EngineChoice.valueOf(config.get(Settings.EMBEDDING_ENGINE).toUpperCase(Locale.ROOT)))
        .withBatchSize(config.get(Settings.INDEXER_EMBED_BATCH_SIZE))
        .withImageLimits(Duration.ofMillis(config.get(Settings.EMBEDDING_IMAGE_TIMEOUT_MS)),
            config.get(Settings.EMBEDDING_MAX_IMAGE_BYTES), EmbeddingConfig.DEFAULT_MAX_IMAGE_PIXELS)
        .withCacheDirectory(Path.of(config.get(Settings.EMBEDDING_CACHE_DIR)))
        .withS3(S3Options.from(config));
    String clipDir = config.get(Settings.EMBEDDING_CLIP_DIR);
    return clipDir.isEmpty() ? base : base.withClipDirectory(Path.of(clipDir));
  }

  /**
   * The embedder of a catalog model; empty for a name the catalog does not know, or for the CLIP
   * model when no CLIP directory is configured.
   *
   * @throws EmbeddingException when a known model's files cannot be loaded
   */
  public Optional<Embedder> find(String model) {
    boolean known = ModelCatalog.models().stream().anyMatch(m -> m.name().equals(model));
    if (!known || (ModelCatalog.CLIP_ONNX.equals(model) && base.clipDirectory() == null)) {
      return Optional.empty();
    }
    return Optional.of(open.computeIfAbsent(model, name -> EmbedderFactory.create(configFor(name))));
  }

  private EmbeddingConfig configFor(String model) {
    return ModelCatalog.CLIP_ONNX.equals(model) ? base : base.withModel(model);
  }

  @Override
  public void close() {
    open.values().forEach(Embedder::close);
    open.clear();
  }
}
