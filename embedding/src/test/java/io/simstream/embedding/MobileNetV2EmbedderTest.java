package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.simstream.run.VectorMath;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MobileNetV2EmbedderTest {

  @TempDir
  static Path dir;

  private static Embedder embedder;
  /** Real photos plus seeded scenes; each paired below with its 90% centre crop. */
  private static List<Path> originals;
  private static List<Path> crops;

  @BeforeAll
  static void open() {
    embedder = EmbedderFactory.create(EmbeddingConfig.defaults()
        .withEngine(EngineChoice.CPU)
        .withBatchSize(4)
        .withCacheDirectory(dir.resolve("cache")));
    originals = new ArrayList<>();
    crops = new ArrayList<>();
    for (String photo : TestImages.PHOTOS) {
      originals.add(TestImages.photo(photo, dir));
    }
    for (int seed = 1; seed <= 4; seed++) {
      originals.add(TestImages.write(TestImages.scene(seed, 320, 240), "png", dir.resolve("scene" + seed + ".png")));
    }
    for (Path original : originals) {
      BufferedImage crop = TestImages.centreCrop(TestImages.read(original), 0.9);
      crops.add(TestImages.write(crop, "png", dir.resolve("crop-" + original.getFileName() + ".png")));
    }
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void describesItself() {
    assertThat(embedder.modelName()).isEqualTo(ModelCatalog.MOBILENET_V2_NSFWJS);
    assertThat(embedder.dimensions()).isEqualTo(1280);
    assertThat(embedder.supportsPrompts()).isFalse();
    assertThat(embedder.engineName()).isEqualTo("OnnxRuntime");
    assertThatThrownBy(() -> embedder.embedText("a cat"))
        .isInstanceOf(PromptsNotSupportedException.class)
        .hasMessageContaining("no text tower");
  }

  @Test
  void anImageInMemoryIsEmbeddedLikeItsFile() throws Exception {
    Path photo = originals.get(0);
    List<EmbeddingResult> results = embedder.embedImages(List.of(ImageInput.of(photo),
        ImageInput.ofBytes(Files.readAllBytes(photo))));
    assertThat(results.get(1).isSuccess()).as(String.valueOf(results.get(1).error())).isTrue();
    assertThat(results.get(1).vector()).containsExactly(results.get(0).vector());
  }

  @Test
  void vectorsAreDeterministicAndUnitLength() {
    List<ImageInput> inputs = originals.stream().map(ImageInput::of).toList();
    List<EmbeddingResult> first = embedder.embedImages(inputs);
    List<EmbeddingResult> second = embedder.embedImages(inputs);
    for (int i = 0; i < inputs.size(); i++) {
      assertThat(first.get(i).isSuccess()).as(inputs.get(i).toString()).isTrue();
      assertThat(first.get(i).vector()).hasSize(1280).containsExactly(second.get(i).vector());
      assertThat(VectorMath.dot(first.get(i).vector(), first.get(i).vector())).isCloseTo(1.0, within(1e-5));
    }
    // Alone or inside a batch, an image gets the same vector (up to float summation order).
    float[] alone = embedder.embedImages(List.of(inputs.get(2))).get(0).vector();
    assertThat(VectorMath.dot(alone, first.get(2).vector())).isGreaterThan(0.99999);
  }

  @Test
  void imageIsCloserToItsCentreCropThanToOtherImages() {
    List<ImageInput> inputs = new ArrayList<>();
    originals.forEach(p -> inputs.add(ImageInput.of(p)));
    crops.forEach(p -> inputs.add(ImageInput.of(p)));
    List<float[]> vectors = embedder.embedImages(inputs).stream().map(EmbeddingResult::vector).toList();
    int n = originals.size();
    for (int i = 0; i < n; i++) {
      double toCrop = VectorMath.dot(vectors.get(i), vectors.get(n + i));
      for (int j = 0; j < n; j++) {
        if (j != i) {
          assertThat(toCrop).as("%s: own crop vs %s", originals.get(i).getFileName(), originals.get(j).getFileName())
              .isGreaterThan(VectorMath.dot(vectors.get(i), vectors.get(j)));
        }
      }
    }
  }

  @Test
  void cropBoxEmbedsThePatch() {
    Path photo = originals.get(1);
    BufferedImage image = TestImages.read(photo);
    CropBox box = new CropBox(0.25, 0.1, 0.5, 0.6);
    var pixels = box.toPixels(image.getWidth(), image.getHeight());
    Path patchFile = TestImages.write(copy(image.getSubimage(pixels.x, pixels.y, pixels.width, pixels.height)), "png",
        dir.resolve("patch.png"));

    List<EmbeddingResult> results = embedder.embedImages(List.of(
        ImageInput.of(photo).withCrop(box), ImageInput.of(patchFile), ImageInput.of(photo)));

    assertThat(VectorMath.dot(results.get(0).vector(), results.get(1).vector())).isGreaterThan(0.99999);
    assertThat(VectorMath.dot(results.get(0).vector(), results.get(2).vector())).isLessThan(0.99);
  }

  @Test
  void brokenImagesFailAloneWhileTheRestOfTheBatchSucceeds() throws Exception {
    Path garbage = Files.write(dir.resolve("garbage.jpg"), "definitely not an image".getBytes());
    byte[] png = Files.readAllBytes(originals.get(2));
    Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 3));
    List<ImageInput> inputs = List.of(
        ImageInput.of(originals.get(0)),
        ImageInput.of(garbage),
        ImageInput.of(truncated),
        ImageInput.of(dir.resolve("missing.png")),
        ImageInput.of("ftp://example.invalid/a.png"),
        ImageInput.of(originals.get(3)));

    List<EmbeddingResult> results = embedder.embedImages(inputs);

    assertThat(results).extracting(EmbeddingResult::failure).containsExactly(
        null, EmbeddingFailure.UNDECODABLE, EmbeddingFailure.UNDECODABLE, EmbeddingFailure.NOT_FOUND,
        EmbeddingFailure.INVALID_INPUT, null);
    assertThat(results.get(1).error()).contains("not a supported image format");
    assertThat(results.get(3).error()).contains("missing.png");
    float[] expectedFirst = embedder.embedImages(List.of(inputs.get(0))).get(0).vector();
    assertThat(VectorMath.dot(results.get(0).vector(), expectedFirst)).isGreaterThan(0.99999);
    assertThat(results.get(5).vector()).hasSize(1280);
  }

  @Test
  void batchesLargerThanTheBatchSizeKeepTheirOrder() {
    List<ImageInput> inputs = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      inputs.add(ImageInput.of(originals.get(i % originals.size())));
    }
    List<EmbeddingResult> results = embedder.embedImages(inputs);
    assertThat(results).hasSize(11).allMatch(EmbeddingResult::isSuccess);
    for (int i = 0; i < 11; i++) {
      float[] same = results.get(i % originals.size()).vector();
      assertThat(VectorMath.dot(results.get(i).vector(), same)).isGreaterThan(0.99999);
    }
    assertThat(embedder.embedImages(List.of())).isEmpty();
  }

  @Test
  void greyscaleAndTransparentImagesAreEmbedded() {
    BufferedImage scene = TestImages.scene(7, 200, 150);
    BufferedImage grey = new BufferedImage(200, 150, BufferedImage.TYPE_BYTE_GRAY);
    grey.getGraphics().drawImage(scene, 0, 0, null);
    BufferedImage transparent = new BufferedImage(200, 150, BufferedImage.TYPE_INT_ARGB);
    transparent.getGraphics().drawImage(scene, 0, 0, null);
    List<EmbeddingResult> results = embedder.embedImages(List.of(
        ImageInput.of(TestImages.write(grey, "png", dir.resolve("grey.png"))),
        ImageInput.of(TestImages.write(transparent, "png", dir.resolve("alpha.png"))),
        ImageInput.of(TestImages.write(scene, "bmp", dir.resolve("scene.bmp"))),
        ImageInput.of(TestImages.write(scene, "gif", dir.resolve("scene.gif")))));
    assertThat(results).allMatch(EmbeddingResult::isSuccess);
  }

  private static BufferedImage copy(BufferedImage image) {
    BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    copy.getGraphics().drawImage(image, 0, 0, null);
    return copy;
  }
}
