package io.simstream.indexer.embed;

import io.simstream.config.SimstreamConfig;
import io.simstream.event.BoundingBox;
import io.simstream.embedding.CropBox;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbedderRegistry;
import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.ImageInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding module's models as the indexer sees them: a run's model is looked up in the shared
 * {@link EmbedderRegistry}. A model that cannot be opened (e.g. CLIP without
 * {@code embedding.clip-dir}) is reported once and treated as unavailable, so its events are
 * dead-lettered rather than stopping the indexer.
 */
public final class CatalogEmbedderProvider implements EmbedderProvider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogEmbedderProvider.class);

  private final EmbedderRegistry registry;
  private final Map<String, Optional<ImageEmbedder>> adapted = new ConcurrentHashMap<>();

  public CatalogEmbedderProvider(EmbedderRegistry registry) {
    this.registry = registry;
  }

  public static CatalogEmbedderProvider from(SimstreamConfig config) {
    return new CatalogEmbedderProvider(EmbedderRegistry.from(config));
  }

  @Override
  public Optional<ImageEmbedder> find(String model) {
    return adapted.computeIfAbsent(model, this::open);
  }

  private Optional<ImageEmbedder> open(String model) {
    try {
      Optional<ImageEmbedder> embedder = registry.find(model).map(ModelEmbedder::new);
      embedder.ifPresent(e -> LOG.info("Opened embedding model {} ({} dims)", model, e.dimensions()));
      return embedder;
    } catch (RuntimeException e) {
      LOG.error("Embedding model {} cannot be opened; events needing it are dead-lettered: {}", model, e.toString());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    registry.close();
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
    public String checkpoint() {
      return embedder.checkpoint();
    }

    @Override
    public List<Outcome> embedImages(List<Image> images) {
      Outcome[] outcomes = new Outcome[images.size()];
      List<ImageInput> inputs = new ArrayList<>(images.size());
      List<Integer> positions = new ArrayList<>(images.size());
      for (int i = 0; i < images.size(); i++) {
        try {
          inputs.add(input(images.get(i)));
          positions.add(i);
        } catch (IllegalArgumentException e) {
          outcomes[i] = Outcome.failed(EmbeddingFailure.INVALID_INPUT, "invalid_input: " + e.getMessage());
        }
      }
      List<EmbeddingResult> results = inputs.isEmpty() ? List.of() : embedder.embedImages(inputs);
      for (int j = 0; j < results.size(); j++) {
        EmbeddingResult result = results.get(j);
        outcomes[positions.get(j)] = result.isSuccess() ? Outcome.of(result.vector()) : Outcome.failed(
            result.failure(), result.failure().name().toLowerCase(Locale.ROOT) + ": " + result.error());
      }
      return List.of(outcomes);
    }

    /** Events accept boxes overshooting the image by rounding (1e-4); the model's crop must not, so it is clamped. */
    private static ImageInput input(Image image) {
      ImageInput input = ImageInput.of(image.uri());
      BoundingBox box = image.crop();
      return box == null ? input : input.withCrop(new CropBox(box.x(), box.y(),
          Math.min(box.width(), 1 - box.x()), Math.min(box.height(), 1 - box.y())));
    }
  }
}
