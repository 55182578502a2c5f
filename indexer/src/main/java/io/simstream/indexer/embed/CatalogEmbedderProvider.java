package io.simstream.indexer.embed;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbedderFactory;
import io.simstream.embedding.EmbeddingConfig;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.EngineChoice;
import io.simstream.embedding.ImageInput;
import io.simstream.embedding.ModelCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding module's models ({@link ModelCatalog}), opened on first use by a run and kept open.
 * A model that cannot be opened (e.g. CLIP without {@code embedding.clip-dir}) is reported once and
 * treated as unavailable, so its events are dead-lettered rather than stopping the indexer.
 */
public final class CatalogEmbedderProvider implements EmbedderProvider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogEmbedderProvider.class);

  private final EmbeddingConfig base;
  private final Path clipDirectory;
  private final Map<String, Optional<ModelEmbedder>> opened = new ConcurrentHashMap<>();

  private CatalogEmbedderProvider(EmbeddingConfig base, Path clipDirectory) {
    this.base = base;
    this.clipDirectory = clipDirectory;
  }

  public static CatalogEmbedderProvider from(SimstreamConfig config) {
    EngineChoice engine = EngineChoice.valueOf(config.get(Settings.EMBEDDING_ENGINE).toUpperCase(Locale.ROOT));
    String clipDir = config.get(Settings.EMBEDDING_CLIP_DIR);
    return new CatalogEmbedderProvider(EmbeddingConfig.defaults().withEngine(engine)
        .withBatchSize(config.get(Settings.INDEXER_EMBED_BATCH_SIZE)), clipDir.isBlank() ? null : Path.of(clipDir));
  }

  @Override
  public Optional<ImageEmbedder> find(String model) {
    if (ModelCatalog.models().stream().noneMatch(m -> m.name().equals(model))) {
      return Optional.empty();
    }
    return opened.computeIfAbsent(model, this::open).map(ImageEmbedder.class::cast);
  }

  private Optional<ModelEmbedder> open(String model) {
    try {
      EmbeddingConfig config = ModelCatalog.CLIP_ONNX.equals(model) && clipDirectory != null
          ? base.withClipDirectory(clipDirectory) : base.withModel(model);
      Embedder embedder = EmbedderFactory.create(config);
      LOG.info("Opened embedding model {} ({} dims) on {}", model, embedder.dimensions(), embedder.engineName());
      return Optional.of(new ModelEmbedder(embedder));
    } catch (RuntimeException e) {
      LOG.error("Embedding model {} cannot be opened; events needing it are dead-lettered: {}", model, e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    opened.values().forEach(e -> e.ifPresent(m -> m.embedder.close()));
  }

  /** One model seen through the indexer's seam. */
  private record ModelEmbedder(Embedder embedder) implements ImageEmbedder {
    @Override
    public String modelName() {
      return embedder.modelName();
    }

    @Override
    public int dimensions() {
      return embedder.dimensions();
    }

    @Override
    public List<Outcome> embedImages(List<String> imageUris) {
      List<ImageInput> inputs = imageUris.stream().map(ImageInput::of).toList();
      List<Outcome> outcomes = new ArrayList<>(inputs.size());
      for (EmbeddingResult result : embedder.embedImages(inputs)) {
        outcomes.add(result.isSuccess() ? Outcome.of(result.vector())
            : Outcome.failed(result.failure().name().toLowerCase(Locale.ROOT) + ": " + result.error()));
      }
      return outcomes;
    }
  }
}
