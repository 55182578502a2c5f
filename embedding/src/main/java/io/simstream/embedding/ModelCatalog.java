package io.simstream.embedding;

import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/** The models {@link EmbedderFactory} can open, and what each can do. */
public final class ModelCatalog {

  /** MobileNetV2 image features (1280-d) converted from npm nsfwjs@4.4.0; bundled in this jar. */
  public static final String MOBILENET_V2_NSFWJS = "mobilenet-v2-nsfwjs";
  /** User-supplied CLIP ONNX towers plus tokenizer.json; images and text share one space. */
  public static final String CLIP_ONNX = "clip-onnx";

  /**
   * @param dimensions      vector length, empty when it depends on user-supplied files
   * @param supportsPrompts whether text prompts can be embedded into the image space
   * @param userSupplied    whether the model files come from {@link EmbeddingConfig#clipDirectory()}
   */
  public record ModelInfo(String name, OptionalInt dimensions, boolean supportsPrompts, boolean userSupplied,
      String description) {}

  private static final List<ModelInfo> MODELS = List.of(
      new ModelInfo(MOBILENET_V2_NSFWJS, OptionalInt.of(1280), false, false,
          "MobileNetV2 pooled features (224x224) from nsfwjs@4.4.0, MIT, Infinite Red"),
      new ModelInfo(CLIP_ONNX, OptionalInt.empty(), true, true,
          "CLIP image/text ONNX towers from a directory (e.g. ViT-B/32 export, 512-d)"));

  private ModelCatalog() {}

  public static List<ModelInfo> models() {
    return MODELS;
  }

  public static ModelInfo require(String name) {
    return MODELS.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown embedding model '" + name + "'; known: "
            + MODELS.stream().map(ModelInfo::name).collect(Collectors.joining(", "))));
  }
}
