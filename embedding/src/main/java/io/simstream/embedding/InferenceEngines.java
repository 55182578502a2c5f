package io.simstream.embedding;

import ai.djl.Device;
import io.simstream.embedding.onnx.OnnxBatchPinner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens ONNX models on the engine the configuration asks for. TensorRT is tried only for image
 * towers; whenever it is missing or fails, at open or at a later run ({@link FallbackTower}), the model
 * runs on ONNX Runtime (CPU) and one log line says why.
 */
final class InferenceEngines {

  static final String ONNX_RUNTIME = "OnnxRuntime";
  static final String TENSORRT = "TensorRT";

  private static final Logger log = LoggerFactory.getLogger(InferenceEngines.class);

  static {
    // Everything this module needs ships in Maven jars; never let DJL try to download at run time.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  private InferenceEngines() {}

  /** ONNX Runtime on CPU with a dynamic batch. */
  static OnnxSession openCpu(Path onnx, String outputName) {
    try {
      return OnnxSession.open(onnx, ONNX_RUNTIME, Device.cpu(), Map.of(), outputName, 0);
    } catch (Exception e) {
      throw new EmbeddingException("Cannot load " + onnx + " with ONNX Runtime: " + rootMessage(e), e);
    }
  }

  /**
   * The image tower ({@code [batch, 3, imageSize, imageSize]} input) on the chosen engine, falling back to CPU as
   * described above. A TensorRT tower is built on a thread of its own ({@link PromotingTower}) and runs one blank
   * batch before it takes over from the CPU.
   */
  static ImageTower openImageTower(Path onnx, String inputName, String outputName, int imageSize,
      EmbeddingConfig config) {
    EngineChoice choice = config.engine();
    if (choice == EngineChoice.CPU) {
      return openCpu(onnx, outputName);
    }
    if (choice == EngineChoice.AUTO && !nvidiaGpuVisible()) {
      log.info("No NVIDIA GPU visible; running {} on ONNX Runtime (CPU)", onnx.getFileName());
      return openCpu(onnx, outputName);
    }
    return PromotingTower.start(openCpu(onnx, outputName),
        () -> openTensorRtTower(onnx, inputName, outputName, imageSize, config), onnx.getFileName().toString());
  }

  private static ImageTower openTensorRtTower(Path onnx, String inputName, String outputName, int imageSize,
      EmbeddingConfig config) throws Exception {
    int batch = config.batchSize();
    OnnxSession tensorRt = openTensorRt(onnx, outputName, batch, config.cacheDirectory());
    try {
      tensorRt.run(ModelInput.floats(inputName, new float[batch * 3 * imageSize * imageSize],
          batch, 3, imageSize, imageSize));
    } catch (Throwable e) {
      tensorRt.close();
      throw e;
    }
    return new FallbackTower(tensorRt, () -> openCpu(onnx, outputName), onnx.getFileName().toString());
  }

  /**
   * DJL 0.33's TensorRT engine builds an FP16 engine from ONNX at load time (it has no API to
   * serialise it) and needs static shapes, so the batch dimension is pinned in a copy of the model.
   */
  private static OnnxSession openTensorRt(Path onnx, String outputName, int batch, Path cacheDirectory) throws Exception {
    Path pinned = pinnedCopy(onnx, batch, cacheDirectory.resolve("tensorrt"));
    return OnnxSession.open(pinned, TENSORRT, Device.gpu(), Map.of("fp16", "true"), outputName, batch);
  }

  private static Path pinnedCopy(Path onnx, int batch, Path directory) throws IOException {
    byte[] model = OnnxBatchPinner.pinBatch(Files.readAllBytes(onnx), batch);
    String stem = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
    Path target = directory.resolve(stem + "-" + Sha256.hex(model).substring(0, 16) + "-b" + batch + ".onnx");
    if (!Files.exists(target)) {
      Files.createDirectories(directory);
      Path temp = Files.createTempFile(directory, stem, ".tmp");
      Files.write(temp, model);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /**
   * Looks for the NVIDIA driver's device nodes instead of asking CUDA: cheap, and silent on hosts
   * that have CUDA libraries but no GPU (where DJL's CUDA probe logs warnings).
   */
  private static boolean nvidiaGpuVisible() {
    Path gpus = Path.of("/proc/driver/nvidia/gpus");
    try (var entries = Files.isDirectory(gpus) ? Files.list(gpus) : java.util.stream.Stream.<Path>empty()) {
      return Files.exists(Path.of("/dev/nvidia0")) || entries.findAny().isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
