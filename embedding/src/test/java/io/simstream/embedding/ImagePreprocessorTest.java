package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePreprocessorTest {

  @Test
  void alignCornersResizeKeepsCornerPixelsAndInterpolatesLinearly() {
    int[] rgb = {0x000000, 0xFF0000, 0x00FF00, 0x0000FF}; // 2x2
    float[][] planes = AlignCornersBilinear.resize(rgb, 2, 2, 3, 3);
    assertThat(planes[0][0]).isZero();
    assertThat(planes[0][2]).isEqualTo(255f); // top-right red corner kept
    assertThat(planes[1][6]).isEqualTo(255f); // bottom-left green corner kept
    assertThat(planes[2][8]).isEqualTo(255f); // bottom-right blue corner kept
    assertThat(planes[0][1]).isEqualTo(127.5f); // midway along the top row
    assertThat(planes[0][4]).isEqualTo(63.75f); // centre: mean of the four red values
  }

  @Test
  void bicubicKeepsUniformImagesUniform() {
    int[] rgb = new int[50 * 30];
    Arrays.fill(rgb, 0x336699);
    float[][] planes = AntialiasedBicubic.resize(rgb, 50, 30, 17, 11, 0, 0, 17, 11);
    assertThat(planes[0]).containsOnly(0x33);
    assertThat(planes[1]).containsOnly(0x66);
    assertThat(planes[2]).containsOnly(0x99);
  }

  @Test
  void mobileNetInputIsPixelOver255InPlanarRgb() {
    float[] tensor = new float[PreprocessingSpec.NSFWJS_MOBILENET.tensorLength()];
    new ImagePreprocessor(PreprocessingSpec.NSFWJS_MOBILENET)
        .write(TestImages.solid(new Color(255, 51, 0), 300, 100), null, tensor, 0);
    int plane = 224 * 224;
    assertThat(tensor[0]).isEqualTo(1f);
    assertThat(tensor[plane + 500]).isCloseTo(0.2f, within(1e-6f));
    assertThat(tensor[2 * plane + plane - 1]).isZero();
  }

  @Test
  void clipInputIsNormalisedWithClipStatistics() {
    float[] tensor = new float[PreprocessingSpec.clip(224).tensorLength()];
    new ImagePreprocessor(PreprocessingSpec.clip(224)).write(TestImages.solid(Color.WHITE, 320, 240), null, tensor, 0);
    assertThat(tensor[0]).isCloseTo((1 - 0.48145466f) / 0.26862954f, within(1e-5f));
    assertThat(tensor[224 * 224 * 2]).isCloseTo((1 - 0.40821073f) / 0.27577711f, within(1e-5f));
  }

  @Test
  void clipResizesTheShortestEdgeAndCropsTheCentre() {
    // 4:1 wide image: red | green | blue | white quarters. The centre square covers the two middle quarters.
    BufferedImage image = new BufferedImage(800, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    Color[] quarters = {Color.RED, Color.GREEN, Color.BLUE, Color.WHITE};
    for (int i = 0; i < 4; i++) {
      g.setColor(quarters[i]);
      g.fillRect(i * 200, 0, 200, 200);
    }
    g.dispose();
    PreprocessingSpec spec = new PreprocessingSpec(224, PreprocessingSpec.Resize.SHORTEST_EDGE_BICUBIC_CENTER_CROP,
        new float[] {0, 0, 0}, new float[] {1, 1, 1});
    float[] tensor = new float[spec.tensorLength()];
    new ImagePreprocessor(spec).write(image, null, tensor, 0);
    int plane = 224 * 224;
    int row = 100 * 224;
    assertThat(tensor[plane + row + 10]).as("left of the crop is green").isEqualTo(1f);
    assertThat(tensor[row + 10]).isZero();
    assertThat(tensor[2 * plane + row + 214]).as("right of the crop is blue").isEqualTo(1f);
  }

  @Test
  void clipCropsOfNarrowImagesMatchResizingTheWholeImageThenCropping() {
    BufferedImage wide = noise(3, 300, 200);
    List<BufferedImage> images = List.of(noise(1, 2, 150), noise(2, 150, 2), wide, noise(4, 100, 60));
    for (BufferedImage image : images) {
      assertThat(clipInput(image, null)).as("%dx%d", image.getWidth(), image.getHeight())
          .containsExactly(resizedThenCropped(image, null));
    }
    for (CropBox thin : List.of(new CropBox(0.5, 0, 0.01, 1), new CropBox(0, 0.4, 1, 0.01), new CropBox(0.2, 0.1, 0.3, 0.5))) {
      assertThat(clipInput(wide, thin)).as(thin.toString()).containsExactly(resizedThenCropped(wide, thin));
    }
  }

  @Test
  void aVeryNarrowImageIsPreprocessedForClipInASmallHeap(@TempDir Path dir) throws Exception {
    // Resized whole to a 224-pixel short edge, 1 x 20,000 would be 224 x 4,480,000 pixels: 12 GB of floats.
    Path narrow = TestImages.write(noise(5, 1, 20_000), "png", dir.resolve("narrow.png"));
    Path output = dir.resolve("probe.out");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process probe = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        LargeImageProbe.class.getName(), narrow.toString(), "clip")
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!probe.waitFor(120, TimeUnit.SECONDS)) { // only there so a regression fails instead of hanging
      probe.destroyForcibly();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(probe.exitValue()).as(printed).isZero();
    assertThat(printed).startsWith("decoded 1x20000");
  }

  @Test
  void aRegionWhoseResizedLongEdgeExceedsAnIntIsStillCroppedFromTheMiddle() {
    // 1 x 10,000,000 resizes to 224 x 2,240,000,000; its middle rows are all level 127 of a top-to-bottom ramp.
    int height = 10_000_000;
    BufferedImage ramp = new BufferedImage(1, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      ramp.getRaster().setSample(0, y, 0, (int) ((long) y * 255 / height));
    }
    assertThat(clipInput(ramp, null)).containsOnly(127 / 255f);
  }

  @Test
  void greyImagesKeepTheirStoredLevels() {
    BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(1, 1, 0, 100);
    int[] rgb = ImagePreprocessor.rgbPixels(grey, new Rectangle(0, 0, 4, 4));
    assertThat(rgb[5]).isEqualTo(100 << 16 | 100 << 8 | 100); // getRGB would have brightened it
    assertThat(rgb[0]).isZero();
  }

  @Test
  void rasterFastPathsMatchGetRgb() throws Exception {
    BufferedImage scene = TestImages.scene(11, 90, 70);
    Rectangle region = new Rectangle(7, 5, 60, 50);
    List<BufferedImage> images = new ArrayList<>();
    for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR,
        BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_USHORT_565_RGB}) {
      BufferedImage converted = new BufferedImage(90, 70, type);
      converted.getGraphics().drawImage(scene, 0, 0, null);
      images.add(converted);
      images.add(converted.getSubimage(3, 4, 80, 60)); // raster with an offset into its buffer
    }
    for (String format : new String[] {"png", "jpg"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(scene, format, out);
      images.add(ImageIO.read(new ByteArrayInputStream(out.toByteArray()))); // decoder-made layouts
    }
    for (BufferedImage image : images) {
      int[] expected = image.getRGB(region.x, region.y, region.width, region.height, null, 0, region.width);
      for (int i = 0; i < expected.length; i++) {
        expected[i] &= 0xFFFFFF;
      }
      assertThat(ImagePreprocessor.rgbPixels(image, region)).as("image type %d", image.getType()).containsExactly(expected);
    }
  }

  @Test
  void cropBoxesMapToPixelRectangles() {
    assertThat(new CropBox(0, 0, 1, 1).toPixels(640, 480)).isEqualTo(new Rectangle(0, 0, 640, 480));
    assertThat(new CropBox(0.25, 0.5, 0.5, 0.25).toPixels(640, 480)).isEqualTo(new Rectangle(160, 240, 320, 120));
    assertThat(new CropBox(0.999, 0.999, 0.0001, 0.0001).toPixels(10, 10)).isEqualTo(new Rectangle(9, 9, 1, 1));
    // 0.1 + 0.2 is 0.30000000000000004 and 0.29 * 100 is 28.999999999999996: edges a rounding error off a pixel boundary.
    assertThat(new CropBox(0.1, 0.2, 0.2, 0.1).toPixels(10, 10)).isEqualTo(new Rectangle(1, 2, 2, 1));
    assertThat(new CropBox(0.29, 0.57, 0.01, 0.01).toPixels(100, 100)).isEqualTo(new Rectangle(29, 57, 1, 1));
    assertThat(new CropBox(0.15, 0.25, 0.1, 0.5).toPixels(10, 10)).as("partly covered pixels are kept")
        .isEqualTo(new Rectangle(1, 2, 2, 6));
    assertThatThrownBy(() -> new CropBox(0.5, 0, 0.6, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CropBox(0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CropBox(Double.NaN, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static final PreprocessingSpec CLIP_UNNORMALISED = new PreprocessingSpec(224,
      PreprocessingSpec.Resize.SHORTEST_EDGE_BICUBIC_CENTER_CROP, new float[] {0, 0, 0}, new float[] {1, 1, 1});

  private static float[] clipInput(BufferedImage image, CropBox crop) {
    float[] tensor = new float[CLIP_UNNORMALISED.tensorLength()];
    new ImagePreprocessor(CLIP_UNNORMALISED).write(image, crop, tensor, 0);
    return tensor;
  }

  /** What Hugging Face's CLIP preprocessor does: resize the whole region (short edge to 224), then crop its centre. */
  private static float[] resizedThenCropped(BufferedImage image, CropBox crop) {
    Rectangle region = crop == null ? new Rectangle(0, 0, image.getWidth(), image.getHeight())
        : crop.toPixels(image.getWidth(), image.getHeight());
    int size = CLIP_UNNORMALISED.size();
    int scaledLong = Math.max(size, (int) ((long) size * Math.max(region.width, region.height)
        / Math.min(region.width, region.height)));
    int outWidth = region.width <= region.height ? size : scaledLong;
    int outHeight = region.width <= region.height ? scaledLong : size;
    float[][] resized = AntialiasedBicubic.resize(ImagePreprocessor.rgbPixels(image, region),
        region.width, region.height, outWidth, outHeight, 0, 0, outWidth, outHeight);
    int left = (outWidth - size) / 2;
    int top = (outHeight - size) / 2;
    float[] tensor = new float[CLIP_UNNORMALISED.tensorLength()];
    for (int channel = 0; channel < 3; channel++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          tensor[channel * size * size + y * size + x] = resized[channel][(y + top) * outWidth + x + left] / 255f;
        }
      }
    }
    return tensor;
  }

  private static BufferedImage noise(long seed, int width, int height) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }
}
