package io.simstream.embedding;

import java.util.Arrays;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image tower that serves on ONNX Runtime (CPU) at once and moves to TensorRT once its engine is built, on a
 * thread of its own: DJL builds the engine at every start (seconds to a minute), and a caller that waited for it,
 * the indexer's stream thread inside its 15 s transaction, would time out. A build that fails leaves the tower on
 * the CPU, with one log line. TensorRT engines take a fixed batch; smaller batches are padded with zeros here, so
 * callers see a dynamic batch before and after the move.
 */
final class PromotingTower implements ImageTower {
  /** The engines' logger, so that one logger tells every choice of engine. */
  private static final Logger log = LoggerFactory.getLogger(InferenceEngines.class);

  private final String model;
  /** Guarded by this: a run holds the lock, so the CPU tower is closed only once no run uses it. */
  private ImageTower current;
  private boolean closed;

  private PromotingTower(ImageTower cpu, String model) {
    this.current = cpu;
    this.model = model;
  }

  /** Serves on {@code cpu} and starts building the better tower on a daemon thread. */
  static PromotingTower start(ImageTower cpu, Callable<ImageTower> openGpu, String model) {
    PromotingTower tower = new PromotingTower(cpu, model);
    Thread build = new Thread(() -> tower.promote(openGpu), "simstream-tensorrt-build-" + model);
    build.setDaemon(true);
    build.start();
    return tower;
  }

  private void promote(Callable<ImageTower> openGpu) {
    ImageTower gpu;
    try {
      gpu = openGpu.call();
    } catch (Throwable e) { // native load failures are Errors (UnsatisfiedLinkError, ExceptionInInitializerError)
      log.warn("TensorRT unavailable for {} ({}); falling back to ONNX Runtime (CPU)", model,
          InferenceEngines.rootMessage(e));
      return;
    }
    ImageTower cpu;
    synchronized (this) {
      if (closed) {
        gpu.close();
        return;
      }
      cpu = current;
      current = gpu;
    }
    cpu.close();
    log.info("{} runs on {} from now on; it ran on ONNX Runtime (CPU) while the engine was built", model,
        gpu.engineName());
  }

  @Override
  public synchronized float[] run(ModelInput... inputs) {
    int batch = current.fixedBatch();
    if (batch == 0 || inputs.length != 1 || inputs[0].shape()[0] == batch) {
      return current.run(inputs);
    }
    ModelInput input = inputs[0];
    int count = (int) input.shape()[0];
    if (count > batch) {
      throw new EmbeddingException("A batch of " + count + " images is larger than the " + batch + " that "
          + current.engineName() + " was built for (" + model + ")");
    }
    long[] shape = input.shape().clone();
    shape[0] = batch;
    float[] padded = Arrays.copyOf(input.floats(), batch * (input.floats().length / count));
    float[] output = current.run(ModelInput.floats(input.name(), padded, shape));
    return Arrays.copyOf(output, count * (output.length / batch));
  }

  /** Dynamic to the caller throughout: a fixed-batch engine's padding is done in {@link #run}. */
  @Override
  public int fixedBatch() {
    return 0;
  }

  @Override
  public synchronized String engineName() {
    return current.engineName();
  }

  @Override
  public synchronized void close() {
    closed = true;
    current.close();
  }
}
