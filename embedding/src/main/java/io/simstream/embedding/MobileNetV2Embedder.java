package io.simstream.embedding;

import java.nio.file.Path;
import java.util.List;

/**
 * Image-only embedder: the 1280-d pooled MobileNetV2 features of the nsfwjs@4.4.0 model (MIT,
 * Infinite Red), converted to ONNX and bundled in this jar; see docs/models.md for provenance.
 * The features come from a backbone fine-tuned for a 5-class content classifier, so they are generic
 * visual features with that bias.
 */
public final class MobileNetV2Embedder implements Embedder {

  static final BundledModel MODEL = new BundledModel("/io/simstream/embedding/models/mobilenet_v2_nsfwjs.onnx",
      "mobilenet_v2_nsfwjs.onnx", "21c651ba4e76a22c4fbcd6e38bc65314148364e56d978c74312d13512790baf8");
  static final String INPUT = "pixel_values";
  static final String OUTPUT = "embedding";

  private final ImageBatchEmbedder images;

  private MobileNetV2Embedder(ImageBatchEmbedder images) {
    this.images = images;
  }

  public static MobileNetV2Embedder open(EmbeddingConfig config) {
    Path onnx = MODEL.unpackTo(config.cacheDirectory());
    ImageTower tower = InferenceEngines.openImageTower(onnx, INPUT, OUTPUT, PreprocessingSpec.NSFWJS_MOBILENET.size(), config);
    try {
      return new MobileNetV2Embedder(new ImageBatchEmbedder(tower, INPUT,
          new ImagePreprocessor(PreprocessingSpec.NSFWJS_MOBILENET), config));
    } catch (RuntimeException e) {
      tower.close();
      throw e;
    }
  }

  @Override
  public String modelName() {
    return ModelCatalog.MOBILENET_V2_NSFWJS;
  }

  @Override
  public int dimensions() {
    return images.dimensions();
  }

  @Override
  public boolean supportsPrompts() {
    return false;
  }

  @Override
  public String engineName() {
    return images.engineName();
  }

  @Override
  public List<EmbeddingResult> embedImages(List<ImageInput> inputs) {
    return images.embed(inputs);
  }

  @Override
  public float[] embedText(String prompt) {
    throw new PromptsNotSupportedException(modelName());
  }

  @Override
  public void close() {
    images.close();
  }
}
