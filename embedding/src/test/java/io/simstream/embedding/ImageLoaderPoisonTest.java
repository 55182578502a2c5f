package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.simstream.embedding.fetch.ImageFetcher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that used to block a loader thread forever or exhaust the heap: FIFOs, devices, and an
 * image under the pixel cap whose full decode does not fit a small heap.
 */
class ImageLoaderPoisonTest {

  /** Far beyond what any of these loads needs; only there so a regression fails instead of hanging. */
  private static final long HANG_GUARD_SECONDS = 120;
  /** 11,000 x 8,000: 88 megapixels, under the 90 MP cap; 264 MB decoded as RGB. */
  private static final int HUGE_WIDTH = 11_000;
  private static final int HUGE_HEIGHT = 8_000;
  private static final long BUDGET = 64L * 1024 * 1024;

  @TempDir
  static Path dir;
  private static Path huge;

  private final ImageLoader loader = new ImageLoader(
      new ImageFetcher(Duration.ofSeconds(10), EmbeddingConfig.DEFAULT_MAX_IMAGE_BYTES),
      EmbeddingConfig.DEFAULT_MAX_IMAGE_PIXELS, new DecodeBudget(BUDGET));

  @BeforeAll
  static void writeHugePng() throws IOException {
    huge = HugePng.write(dir.resolve("huge.png"), HUGE_WIDTH, HUGE_HEIGHT);
  }

  @Test
  void aFifoIsRefusedAtOnceInsteadOfBlocking() throws Exception {
    Path fifo = dir.resolve("pipe.png");
    int rc = run(List.of("mkfifo", fifo.toString()));
    assumeTrue(rc == 0, "mkfifo is not available here, so no FIFO can be made");
    CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> failureOf(fifo.toUri()));
    try {
      assertThat(outcome.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(ImageLoadException.class,
              e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.NOT_A_FILE))
          .hasMessageContaining("not a regular file");
    } finally {
      if (!outcome.isDone()) {
        try (OutputStream unblock = Files.newOutputStream(fifo)) {
          unblock.write(0); // let a reader that did block finish, so no thread is left behind
        }
      }
    }
  }

  @Test
  void devicesAndLinksToThemAreRefused() throws Exception {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "no /dev/zero on this system");
    Path link = Files.createSymbolicLink(dir.resolve("zero.png"), zero);
    for (Path path : List.of(zero, link)) {
      Throwable failure = CompletableFuture.supplyAsync(() -> failureOf(path.toUri()))
          .get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
      assertThat(failure).as(path.toString())
          .isInstanceOfSatisfying(ImageLoadException.class,
              e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.NOT_A_FILE));
    }
    assertThat(failureOf(dir.toUri())).isInstanceOfSatisfying(ImageLoadException.class,
        e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.NOT_A_FILE));
    Files.delete(link); // JUnit would warn about a link leading out of its temp dir

  }

  @Test
  void aHugeImageIsDecodedSubsampledWithinTheBudget() throws Exception {
    String size = loader.load(huge.toUri(), image -> {
      long bytes = (long) image.getWidth() * image.getHeight() * (3 + ImageLoader.PREPROCESSING_BYTES_PER_PIXEL);
      assertThat(bytes).isLessThanOrEqualTo(BUDGET);
      // Every other pixel in each direction or coarser, keeping the aspect ratio.
      assertThat(image.getWidth()).isBetween(HUGE_WIDTH / 8, HUGE_WIDTH / 2);
      assertThat((double) image.getWidth() / image.getHeight()).isCloseTo(11 / 8.0, offset(0.01));
      return image.getWidth() + "x" + image.getHeight();
    });
    assertThat(size).isNotEmpty();
  }

  @Test
  void aHugeImageIsEmbeddableInA256MegabyteHeap() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path output = dir.resolve("probe.out");
    int rc = run(List.of(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        LargeImageProbe.class.getName(), huge.toString()), output);
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(rc).as(printed).isZero();
    assertThat(printed).as(printed).startsWith("decoded ").doesNotContain("OutOfMemoryError");
  }

  @Test
  void theEmbedderFailsADeviceAloneAndEmbedsTheHugeImageInASmallBudget() {
    Path small = TestImages.write(TestImages.scene(5, 320, 240), "png", dir.resolve("small.png"));
    try (Embedder embedder = EmbedderFactory.create(EmbeddingConfig.defaults()
        .withEngine(EngineChoice.CPU)
        .withMaxDecodeBytes(EmbeddingConfig.MIN_DECODE_BYTES)
        .withCacheDirectory(dir.resolve("cache")))) {
      List<EmbeddingResult> results = embedder.embedImages(List.of(
          ImageInput.of("/dev/zero"), ImageInput.of(huge), ImageInput.of(small)));
      assertThat(results.get(0).failure()).isEqualTo(EmbeddingFailure.NOT_A_FILE);
      assertThat(results.get(0).retryable()).isFalse();
      assertThat(results.get(1).isSuccess()).as(String.valueOf(results.get(1).error())).isTrue();
      assertThat(results.get(1).vector()).hasSize(embedder.dimensions());
      assertThat(results.get(2).isSuccess()).isTrue();
    }
  }

  @Test
  void onlyTransientFailuresAreRetryable() {
    assertThat(EmbeddingFailure.values()).filteredOn(EmbeddingFailure::retryable)
        .containsExactlyInAnyOrder(EmbeddingFailure.FETCH_FAILED, EmbeddingFailure.TIMEOUT);
    assertThat(EmbeddingResult.failed(EmbeddingFailure.TIMEOUT, "slow").retryable()).isTrue();
    assertThat(EmbeddingResult.failed(EmbeddingFailure.NOT_A_FILE, "fifo").retryable()).isFalse();
    assertThat(EmbeddingResult.success(new float[] {1f}).retryable()).isFalse();
  }

  private Throwable failureOf(URI uri) {
    try {
      loader.load(uri, image -> image);
      return null;
    } catch (Throwable e) {
      return e;
    }
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    return run(command, dir.resolve("command.out"));
  }

  private static int run(List<String> command, Path output) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    } catch (IOException e) {
      return -1; // the program is missing
    }
    if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -2;
    }
    return process.exitValue();
  }
}
