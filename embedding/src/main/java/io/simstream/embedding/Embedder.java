package io.simstream.embedding;

import java.util.List;

/**
 * Turns images (and, for models with a text tower, prompts) into L2-normalised float vectors of
 * {@link #dimensions()} entries, so cosine similarity equals the dot product. Implementations are
 * thread-safe.
 */
public interface Embedder extends AutoCloseable {

  /** Catalog name of the model, e.g. {@value ModelCatalog#MOBILENET_V2_NSFWJS}. */
  String modelName();

  int dimensions();

  /** True when {@link #embedText(String)} works: the model shares one space for text and images. */
  boolean supportsPrompts();

  /**
   * What tells these weights from others under the same {@link #modelName()}: the SHA-256 of the image tower's
   * file for a model the user supplies (so a vector kept from other files is never taken for this model's);
   * empty for weights that ship with simstream.
   */
  default String checkpoint() {
    return "";
  }

  /** Engine actually running the image tower ("OnnxRuntime" or "TensorRT"), after any fallback. */
  String engineName();

  /**
   * Embeds a batch. The result has one entry per input, in order; an input that cannot be loaded or
   * decoded yields a failed entry and never fails the others.
   *
   * @throws EmbeddingException when inference itself fails (a model or engine problem, not an input one)
   */
  List<EmbeddingResult> embedImages(List<ImageInput> images);

  /** @throws PromptsNotSupportedException when the model has no text tower */
  float[] embedText(String prompt);

  @Override
  void close();
}
