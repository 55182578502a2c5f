package io.simstream.api.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.ImageLoadException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ThumbnailRendererTest {
  private final ThumbnailRenderer renderer = new ThumbnailRenderer(10_000_000);

  @Test
  void largeImagesShrinkToTheSizeKeepingTheirShapeAndColours() throws Exception {
    Thumbnail thumbnail = renderer.render(png(2400, 1200, BufferedImage.TYPE_INT_RGB), 200);
    assertThat(thumbnail.contentType()).isEqualTo("image/jpeg");
    BufferedImage small = read(thumbnail);
    assertThat(small.getWidth()).isEqualTo(200);
    assertThat(small.getHeight()).isEqualTo(100);
    // Left half red, right half blue, after subsampled decoding and resizing.
    assertThat(new Color(small.getRGB(40, 50)).getRed()).isGreaterThan(200);
    assertThat(new Color(small.getRGB(160, 50)).getBlue()).isGreaterThan(200);
  }

  @Test
  void smallImagesAreNeverEnlarged() throws Exception {
    BufferedImage same = read(renderer.render(png(40, 30, BufferedImage.TYPE_INT_RGB), 256));
    assertThat(same.getWidth()).isEqualTo(40);
    assertThat(same.getHeight()).isEqualTo(30);
  }

  @Test
  void transparencyIsKeptInPng() throws Exception {
    Thumbnail thumbnail = renderer.render(png(300, 300, BufferedImage.TYPE_INT_ARGB), 100);
    assertThat(thumbnail.contentType()).isEqualTo("image/png");
    assertThat(read(thumbnail).getColorModel().hasAlpha()).isTrue();
  }

  @Test
  void imagesOverThePixelLimitAndNonImagesAreRefused() throws Exception {
    ThumbnailRenderer strict = new ThumbnailRenderer(1000);
    assertThatThrownBy(() -> strict.render(png(100, 11, BufferedImage.TYPE_INT_RGB), 64))
        .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.TOO_LARGE));
    assertThatThrownBy(() -> renderer.render("not an image".getBytes(), 64))
        .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.UNDECODABLE));
  }

  private static byte[] png(int width, int height, int type) throws IOException {
    BufferedImage image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, width / 2, height);
    g.setColor(Color.BLUE);
    g.fillRect(width / 2, 0, width - width / 2, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static BufferedImage read(Thumbnail thumbnail) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(thumbnail.bytes()));
  }
}
