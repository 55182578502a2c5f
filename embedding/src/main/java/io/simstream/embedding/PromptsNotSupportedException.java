package io.simstream.embedding;

/** Thrown by {@link Embedder#embedText(String)} when the model has no text tower. */
public class PromptsNotSupportedException extends UnsupportedOperationException {

  public PromptsNotSupportedException(String modelName) {
    super("Model '" + modelName + "' has no text tower, so it cannot embed prompts; use a CLIP model ("
        + ModelCatalog.CLIP_ONNX + ") for text-to-image search");
  }
}
