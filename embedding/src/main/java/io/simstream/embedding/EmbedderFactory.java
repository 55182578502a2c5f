package io.simstream.embedding;

/** Opens the {@link Embedder} that an {@link EmbeddingConfig} names. */
public final class EmbedderFactory {

  private EmbedderFactory() {}

  /** @throws EmbeddingException when the model files cannot be found or loaded */
  public static Embedder create(EmbeddingConfig config) {
    ModelCatalog.ModelInfo model = ModelCatalog.require(config.model());
    return switch (model.name()) {
      case ModelCatalog.MOBILENET_V2_NSFWJS -> MobileNetV2Embedder.open(config);
      case ModelCatalog.CLIP_ONNX -> {
        if (config.clipDirectory() == null) {
          throw new EmbeddingException("Model " + ModelCatalog.CLIP_ONNX + " needs a CLIP directory");
        }
        yield ClipOnnxEmbedder.open(config.clipDirectory(), config);
      }
      default -> throw new IllegalStateException("Catalog model without a factory: " + model.name());
    };
  }
}
