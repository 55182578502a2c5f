package io.simstream.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * CLIP from user-supplied ONNX files, e.g. a Hugging Face export of openai/clip-vit-base-patch32.
 * The directory holds:
 * <ul>
 *   <li>{@code vision_model.onnx} or {@code image_model.onnx}: {@code pixel_values [B,3,224,224]} to {@code image_embeds}</li>
 *   <li>{@code text_model.onnx}: {@code input_ids [B,S]} (and optionally {@code attention_mask}) to {@code text_embeds}</li>
 *   <li>{@code tokenizer.json}: the Hugging Face tokenizer of the same checkpoint</li>
 * </ul>
 * Images are preprocessed like CLIPImageProcessor (shortest edge 224 bicubic, centre crop, CLIP
 * mean/std). The text tower always runs on ONNX Runtime (one prompt at a time is cheap); the image
 * tower follows {@link EmbeddingConfig#engine()}.
 */
public final class ClipOnnxEmbedder implements Embedder {

  static final List<String> IMAGE_MODEL_FILES = List.of("vision_model.onnx", "image_model.onnx");
  static final String TEXT_MODEL_FILE = "text_model.onnx";
  static final String TOKENIZER_FILE = "tokenizer.json";
  static final int IMAGE_SIZE = 224;
  /** CLIP's text context length; longer prompts are truncated. */
  static final int MAX_TOKENS = 77;

  private final ImageBatchEmbedder images;
  private final OnnxSession textTower;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean feedsAttentionMask;
  private final String checkpoint;

  private ClipOnnxEmbedder(ImageBatchEmbedder images, OnnxSession textTower, HuggingFaceTokenizer tokenizer,
                           String checkpoint) {
    this.images = images;
    this.textTower = textTower;
    this.tokenizer = tokenizer;
    this.checkpoint = checkpoint;
    this.feedsAttentionMask = textTower.inputNames().contains("attention_mask");
  }

  public static ClipOnnxEmbedder open(Path directory, EmbeddingConfig config) {
    Path imageModel = IMAGE_MODEL_FILES.stream().map(directory::resolve).filter(Files::isRegularFile).findFirst()
        .orElseThrow(() -> new EmbeddingException("No image tower in " + directory + "; expected one of " + IMAGE_MODEL_FILES));
    Path textModel = requireFile(directory.resolve(TEXT_MODEL_FILE));
    Path tokenizerFile = requireFile(directory.resolve(TOKENIZER_FILE));

    OnnxSession text = null;
    ImageTower image = null;
    HuggingFaceTokenizer tokenizer = null;
    ClipOnnxEmbedder embedder = null;
    try {
      // Sessions first: InferenceEngines puts DJL in offline mode before the tokenizer's native library loads.
      text = InferenceEngines.openCpu(textModel, "text_embeds");
      image = InferenceEngines.openImageTower(imageModel, "pixel_values", "image_embeds", IMAGE_SIZE, config);
      tokenizer = loadTokenizer(tokenizerFile);
      embedder = new ClipOnnxEmbedder(new ImageBatchEmbedder(image, "pixel_values",
          new ImagePreprocessor(PreprocessingSpec.clip(IMAGE_SIZE)), config), text, tokenizer, Sha256.hex(imageModel));
      int textDimensions = embedder.embedText("a photo").length;
      if (textDimensions != embedder.dimensions()) {
        throw new EmbeddingException("CLIP towers disagree: image_embeds has " + embedder.dimensions()
            + " values, text_embeds " + textDimensions);
      }
      return embedder;
    } catch (RuntimeException e) {
      if (embedder != null) {
        embedder.close();
      } else {
        closeAll(image, text, tokenizer);
      }
      throw e;
    }
  }

  private static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          // already failing; the original error is the one to report
        }
      }
    }
  }

  @Override
  public String modelName() {
    return ModelCatalog.CLIP_ONNX;
  }

  @Override
  public int dimensions() {
    return images.dimensions();
  }

  @Override
  public boolean supportsPrompts() {
    return true;
  }

  @Override
  public String checkpoint() {
    return checkpoint;
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
    Encoding encoding = tokenizer.encode(prompt);
    long[] ids = encoding.getIds();
    ModelInput idsInput = ModelInput.longs("input_ids", ids, 1, ids.length);
    float[] output = feedsAttentionMask
        ? textTower.run(idsInput, ModelInput.longs("attention_mask", encoding.getAttentionMask(), 1, ids.length))
        : textTower.run(idsInput);
    return Vectors.normalized(output, 0, output.length);
  }

  @Override
  public void close() {
    images.close();
    textTower.close();
    tokenizer.close();
  }

  private static HuggingFaceTokenizer loadTokenizer(Path file) {
    try {
      return HuggingFaceTokenizer.newInstance(file, Map.of(
          "addSpecialTokens", "true",
          "truncation", "true",
          "padding", "false",
          "maxLength", String.valueOf(MAX_TOKENS),
          "modelMaxLength", String.valueOf(MAX_TOKENS)));
    } catch (IOException | RuntimeException e) {
      throw new EmbeddingException("Cannot load tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  private static Path requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new EmbeddingException("Missing CLIP file " + file);
    }
    return file;
  }
}
