package io.simstream.embedding;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Micro benchmark (not a test): images/s of the bundled MobileNetV2 at batch 1, 8, 32 and 64 on the
 * engine in use, end to end (640x480 JPEG files: read, decode, preprocess, infer) and for the model
 * alone (preprocessed tensors). Median of 5 timed rounds after warm-up, per wall-clock second and
 * per CPU second.
 *
 * <p>Run: {@code mvn -f embedding/pom.xml -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.simstream.embedding.EmbeddingBench -Dexec.args="cpu"} (engine: auto, cpu, tensorrt).
 */
public final class EmbeddingBench {

  private static final int[] BATCH_SIZES = {1, 8, 32, 64};
  private static final int IMAGES_PER_ROUND = 128;
  private static final int ROUNDS = 5;

  private EmbeddingBench() {}

  /**
   * Images per wall-clock second, and per second of this process's CPU time (all threads, native
   * ones included): the second stays meaningful when other processes compete for the cores.
   */
  record Rate(double wall, double perCpuSecond) {}

  public static void main(String[] args) throws Exception {
    EngineChoice engine = EngineChoice.valueOf((args.length > 0 ? args[0] : "auto").toUpperCase(Locale.ROOT));
    Path dir = Files.createTempDirectory("simstream-bench");
    List<ImageInput> images = new ArrayList<>();
    for (int i = 0; i < IMAGES_PER_ROUND; i++) {
      images.add(ImageInput.of(TestImages.write(TestImages.scene(i, 640, 480), "jpg", dir.resolve("scene" + i + ".jpg"))));
    }
    System.out.printf("EmbeddingBench: %s, %d CPUs, Java %s, %d JPEG images 640x480 per round, load average %.1f%n",
        ModelCatalog.MOBILENET_V2_NSFWJS, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), IMAGES_PER_ROUND, loadAverage());
    System.out.printf("%-6s %-12s %18s %18s %18s %18s%n", "batch", "engine",
        "end-to-end img/s", "e2e img/CPU-s", "model-only img/s", "model img/CPU-s");
    for (int batch : BATCH_SIZES) {
      EmbeddingConfig config = EmbeddingConfig.defaults().withEngine(engine).withBatchSize(batch)
          .withCacheDirectory(dir.resolve("cache"));
      Rate endToEnd;
      String engineName;
      try (Embedder embedder = EmbedderFactory.create(config)) {
        engineName = embedder.engineName();
        embedder.embedImages(images.subList(0, Math.max(batch, 8)));
        endToEnd = medianRate(IMAGES_PER_ROUND, () -> embedder.embedImages(images));
      }
      Rate modelOnly = modelOnlyRate(config, batch);
      System.out.printf("%-6d %-12s %18.1f %18.1f %18.1f %18.1f%n", batch, engineName,
          endToEnd.wall(), endToEnd.perCpuSecond(), modelOnly.wall(), modelOnly.perCpuSecond());
    }
    // Other processes on a shared host skew wall-clock rates; the load average makes that visible.
    System.out.printf("load average at the end: %.1f%n", loadAverage());
  }

  private static Rate modelOnlyRate(EmbeddingConfig config, int batch) {
    Path onnx = MobileNetV2Embedder.MODEL.unpackTo(config.cacheDirectory());
    try (ImageTower tower = InferenceEngines.openImageTower(onnx, MobileNetV2Embedder.INPUT,
        MobileNetV2Embedder.OUTPUT, PreprocessingSpec.NSFWJS_MOBILENET.size(), config)) {
      float[] pixels = new float[batch * PreprocessingSpec.NSFWJS_MOBILENET.tensorLength()];
      Arrays.fill(pixels, 0.5f);
      ModelInput input = ModelInput.floats(MobileNetV2Embedder.INPUT, pixels, batch, 3, 224, 224);
      tower.run(input);
      int calls = Math.max(1, IMAGES_PER_ROUND / batch);
      return medianRate(calls * batch, () -> {
        for (int i = 0; i < calls; i++) {
          tower.run(input);
        }
      });
    }
  }

  private static Rate medianRate(int imagesPerRound, Runnable round) {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    double[] wall = new double[ROUNDS];
    double[] cpu = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long startCpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      round.run();
      wall[r] = imagesPerRound / ((System.nanoTime() - start) / 1e9);
      cpu[r] = imagesPerRound / ((os.getProcessCpuTime() - startCpu) / 1e9);
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    return new Rate(wall[ROUNDS / 2], cpu[ROUNDS / 2]);
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
