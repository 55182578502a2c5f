package io.simstream.embedding;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TensorRT image tower that moves to ONNX Runtime (CPU) for good the first time a run fails on the GPU (out
 * of device memory, a device error), with one log line: failing every batch after it would stop the indexer's
 * partitions for as long as the process lives. The batch that failed is run again on the CPU.
 */
final class FallbackTower implements ImageTower {
  /** The open-time fallback's logger, so that one logger tells every move to the CPU. */
  private static final Logger log = LoggerFactory.getLogger(InferenceEngines.class);

  private final String model;
  private final Supplier<ImageTower> openCpu;
  private ImageTower current;
  private boolean onCpu;

  FallbackTower(ImageTower gpu, Supplier<ImageTower> openCpu, String model) {
    this.current = gpu;
    this.openCpu = openCpu;
    this.model = model;
  }

  @Override
  public synchronized float[] run(ModelInput... inputs) {
    try {
      return current.run(inputs);
    } catch (EmbeddingException e) {
      if (onCpu) {
        throw e;
      }
      log.warn("TensorRT failed running {} ({}); running it on ONNX Runtime (CPU) from now on", model,
          InferenceEngines.rootMessage(e));
      ImageTower cpu = openCpu.get();
      current.close();
      current = cpu;
      onCpu = true;
      return current.run(inputs);
    }
  }

  @Override
  public synchronized int fixedBatch() {
    return current.fixedBatch();
  }

  @Override
  public synchronized String engineName() {
    return current.engineName();
  }

  @Override
  public synchronized void close() {
    current.close();
  }
}
