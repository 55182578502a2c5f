package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.simstream.run.VectorMath;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLIP-by-directory path, run for real on {@link TinyClipModel}'s ONNX towers and tokenizer. */
class ClipOnnxEmbedderTest {

  @TempDir
  static Path dir;

  private static Embedder clip;
  private static List<ImageInput> colours;

  @BeforeAll
  static void open() {
    Path models = TinyClipModel.writeTo(dir.resolve("clip"));
    clip = EmbedderFactory.create(EmbeddingConfig.defaults()
        .withEngine(EngineChoice.CPU)
        .withClipDirectory(models)
        .withCacheDirectory(dir.resolve("cache")));
    colours = List.of(
        ImageInput.of(TestImages.write(TestImages.solid(new Color(220, 30, 20), 320, 200), "png", dir.resolve("red.png"))),
        ImageInput.of(TestImages.write(TestImages.solid(new Color(20, 200, 40), 200, 320), "png", dir.resolve("green.png"))),
        ImageInput.of(TestImages.write(TestImages.solid(new Color(30, 40, 230), 256, 256), "jpg", dir.resolve("blue.jpg"))));
  }

  @AfterAll
  static void close() {
    clip.close();
  }

  @Test
  void describesItselfFromTheModelFiles() {
    assertThat(clip.modelName()).isEqualTo(ModelCatalog.CLIP_ONNX);
    assertThat(clip.supportsPrompts()).isTrue();
    assertThat(clip.dimensions()).isEqualTo(TinyClipModel.DIMENSIONS);
    assertThat(clip.engineName()).isEqualTo("OnnxRuntime");
    // The image tower's file tells these weights from other CLIP files; the bundled model needs none.
    assertThat(clip.checkpoint()).isEqualTo(Sha256.hex(dir.resolve("clip").resolve(
        ClipOnnxEmbedder.IMAGE_MODEL_FILES.stream().filter(f -> Files.exists(dir.resolve("clip").resolve(f)))
            .findFirst().orElseThrow())));
  }

  @Test
  void promptsRankTheMatchingImageFirst() {
    List<float[]> images = clip.embedImages(colours).stream().map(EmbeddingResult::vector).toList();
    assertThat(bestMatch("a photo of something red", images)).isZero();
    assertThat(bestMatch("GREEN", images)).isEqualTo(1);
    assertThat(bestMatch("a blue photo", images)).isEqualTo(2);
  }

  @Test
  void longPromptsAreTruncatedToClipContextLength() {
    // 75 x "blue" fill the 77 tokens with the start and end tokens; the 200 x "red" after them are cut
    // off. Without truncation "red" would dominate the mean.
    String prompt = "blue ".repeat(75) + "red ".repeat(200);
    List<float[]> images = clip.embedImages(colours).stream().map(EmbeddingResult::vector).toList();
    assertThat(bestMatch(prompt, images)).isEqualTo(2);
  }

  @Test
  void textVectorsAreDeterministicAndUnitLength() {
    float[] first = clip.embedText("something blue");
    assertThat(first).hasSize(TinyClipModel.DIMENSIONS).containsExactly(clip.embedText("something blue"));
    assertThat(VectorMath.dot(first, first)).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void imagesGoThroughClipPreprocessingAndCrops() {
    List<EmbeddingResult> results = clip.embedImages(List.of(
        colours.get(0), colours.get(0).withCrop(new CropBox(0.1, 0.1, 0.5, 0.5))));
    assertThat(results).allMatch(EmbeddingResult::isSuccess);
    assertThat(VectorMath.dot(results.get(0).vector(), results.get(1).vector())).isGreaterThan(0.9999);
  }

  @Test
  void missingFilesAreReportedClearly() throws Exception {
    Path incomplete = TinyClipModel.writeTo(dir.resolve("incomplete"));
    Files.delete(incomplete.resolve("tokenizer.json"));
    EmbeddingConfig config = EmbeddingConfig.defaults().withEngine(EngineChoice.CPU).withClipDirectory(incomplete);
    assertThatThrownBy(() -> EmbedderFactory.create(config))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("tokenizer.json");
    assertThatThrownBy(() -> EmbedderFactory.create(EmbeddingConfig.defaults().withModel(ModelCatalog.CLIP_ONNX)))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("needs a CLIP directory");
  }

  private static int bestMatch(String prompt, List<float[]> images) {
    float[] text = clip.embedText(prompt);
    return IntStream.range(0, images.size()).boxed()
        .max(Comparator.comparingDouble(i -> VectorMath.dot(text, images.get(i))))
        .orElseThrow();
  }
}
