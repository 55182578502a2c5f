package io.simstream.embedding;

import io.simstream.embedding.fetch.ImageFetcher;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Loads and preprocesses one image the way the embedders do, in a JVM of its own, so a test can
 * run it with a small heap: prints the decoded size, or the failure kind. A second argument
 * {@code clip} preprocesses for CLIP (shortest edge, centre crop) instead of MobileNetV2 (stretch).
 */
public final class LargeImageProbe {

  private LargeImageProbe() {}

  public static void main(String[] args) throws Exception {
    ImageLoader loader = new ImageLoader(new ImageFetcher(Duration.ofSeconds(30), EmbeddingConfig.DEFAULT_MAX_IMAGE_BYTES),
        EmbeddingConfig.DEFAULT_MAX_IMAGE_PIXELS, new DecodeBudget(EmbeddingConfig.defaultMaxDecodeBytes()));
    boolean clip = args.length > 1 && args[1].equals("clip");
    ImagePreprocessor preprocessor = new ImagePreprocessor(clip ? PreprocessingSpec.clip(224) : PreprocessingSpec.NSFWJS_MOBILENET);
    try {
      String decoded = loader.load(Path.of(args[0]).toUri(), image -> {
        preprocessor.write(image, null, new float[preprocessor.spec().tensorLength()], 0);
        return image.getWidth() + "x" + image.getHeight();
      });
      System.out.println("decoded " + decoded);
    } catch (ImageLoadException e) {
      System.out.println("failed " + e.failure() + ": " + e.getMessage());
    }
  }
}
