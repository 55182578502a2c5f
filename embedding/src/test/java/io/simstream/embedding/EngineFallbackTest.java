package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * On this CPU-only machine TensorRT cannot load (no GPU, no libnvinfer): asking for it must end on
 * ONNX Runtime with exactly one explanatory log line, never an exception. A tower that loaded on the GPU and
 * fails later moves to the CPU the same way (with fakes of both engines).
 */
class EngineFallbackTest {

  @TempDir
  Path dir;

  private final Logger logger = (Logger) LoggerFactory.getLogger(InferenceEngines.class);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  @BeforeEach
  void capture() {
    events.start();
    logger.addAppender(events);
  }

  @AfterEach
  void release() {
    logger.detachAppender(events);
  }

  @Test
  void tensorRtRequestFallsBackToCpuWithOneWarning() throws InterruptedException {
    try (Embedder embedder = EmbedderFactory.create(config(EngineChoice.TENSORRT))) {
      assertThat(embedder.engineName()).isEqualTo("OnnxRuntime");
      assertThat(embedder.embedImages(List.of(ImageInput.of(TestImages.photo("rocket.jpg", dir)))).get(0).isSuccess())
          .isTrue();
    }
    awaitEvents(1); // the engine is built, and fails here, on a thread of its own
    assertThat(events.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage())
          .startsWith("TensorRT unavailable for mobilenet_v2_nsfwjs.onnx (")
          .endsWith("); falling back to ONNX Runtime (CPU)");
    });
  }

  @Test
  void autoWithoutGpuChoosesCpuWithOneInfoLine() {
    try (Embedder embedder = EmbedderFactory.create(config(EngineChoice.AUTO))) {
      assertThat(embedder.engineName()).isEqualTo("OnnxRuntime");
    }
    assertThat(events.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.INFO);
      assertThat(event.getFormattedMessage()).contains("No NVIDIA GPU visible");
    });
  }

  @Test
  void cpuChoiceLogsNothing() {
    try (Embedder embedder = EmbedderFactory.create(config(EngineChoice.CPU))) {
      assertThat(embedder.engineName()).isEqualTo("OnnxRuntime");
    }
    assertThat(events.list).isEmpty();
  }

  /**
   * A TensorRT engine takes seconds to a minute to build: the tower serves on the CPU meanwhile, then moves to the
   * engine, padding the batches to the engine's fixed size, and closes the CPU session.
   */
  @Test
  void aTowerRunsOnTheCpuWhileItsEngineIsBuiltThenOnTheEngine() throws InterruptedException {
    FakeTower cpu = new FakeTower(InferenceEngines.ONNX_RUNTIME, new float[] {1, 2}, 0);
    FakeTower gpu = new FakeTower(InferenceEngines.TENSORRT, new float[] {3, 4, 0, 0, 0, 0}, 3);
    CountDownLatch built = new CountDownLatch(1);
    PromotingTower tower = PromotingTower.start(cpu, () -> {
      built.await();
      return gpu;
    }, "model.onnx");
    ModelInput one = ModelInput.floats("pixel_values", new float[] {9, 9, 9, 9}, 1, 1, 2, 2);

    assertThat(tower.run(one)).as("on the CPU while the engine is built").containsExactly(1, 2);
    assertThat(tower.engineName()).isEqualTo(InferenceEngines.ONNX_RUNTIME);
    built.countDown();
    awaitEvents(1);

    assertThat(tower.engineName()).isEqualTo(InferenceEngines.TENSORRT);
    assertThat(tower.fixedBatch()).as("padding is the tower's business").isZero();
    assertThat(tower.run(one)).as("the first of three rows").containsExactly(3, 4);
    assertThat(gpu.last.shape()).containsExactly(3, 1, 2, 2);
    assertThat(gpu.last.floats()).containsExactly(9, 9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(cpu.closed).isTrue();
    assertThat(cpu.runs).hasValue(1);
    assertThat(events.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.INFO);
      assertThat(event.getFormattedMessage()).startsWith("model.onnx runs on TensorRT from now on");
    });
  }

  @Test
  void aTowerClosedWhileItsEngineIsBuiltClosesTheEngineOnceBuiltAndNeverUsesIt() throws InterruptedException {
    FakeTower cpu = new FakeTower(InferenceEngines.ONNX_RUNTIME, new float[] {1, 2}, 0);
    FakeTower gpu = new FakeTower(InferenceEngines.TENSORRT, new float[] {3, 4}, 1);
    CountDownLatch built = new CountDownLatch(1);
    CountDownLatch handedOver = new CountDownLatch(1);
    PromotingTower tower = PromotingTower.start(cpu, () -> {
      built.await();
      handedOver.countDown();
      return gpu;
    }, "model.onnx");

    tower.close();
    built.countDown();
    handedOver.await();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!gpu.closed && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertThat(cpu.closed).isTrue();
    assertThat(gpu.closed).isTrue();
    assertThat(gpu.runs).hasValue(0);
    assertThat(tower.engineName()).isEqualTo(InferenceEngines.ONNX_RUNTIME);
  }

  /** Waits, on a loaded machine as long as it takes up to a minute, until {@code count} events were logged. */
  private void awaitEvents(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (events.list.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private EmbeddingConfig config(EngineChoice engine) {
    return EmbeddingConfig.defaults().withEngine(engine).withBatchSize(2).withCacheDirectory(dir.resolve("cache"));
  }

  /** A tower of a fixed engine that answers {@code output}, or fails every run when output is null. */
  private static final class FakeTower implements ImageTower {
    final String engine;
    final float[] output;
    final int batch;
    final AtomicInteger runs = new AtomicInteger();
    volatile boolean closed;
    volatile ModelInput last;

    FakeTower(String engine, float[] output, int batch) {
      this.engine = engine;
      this.output = output;
      this.batch = batch;
    }

    @Override
    public float[] run(ModelInput... inputs) {
      runs.incrementAndGet();
      last = inputs[0];
      if (output == null) {
        throw new EmbeddingException("Inference failed on " + engine + ": CUDA out of memory");
      }
      return output;
    }

    @Override
    public int fixedBatch() {
      return batch;
    }

    @Override
    public String engineName() {
      return engine;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /**
   * A GPU tower that fails at a run (device memory, a device error) hands over to the CPU for good: the failed
   * batch and every later one run there, with one warning, and the GPU session is closed.
   */
  @Test
  void aRunThatFailsOnTheGpuIsRunOnTheCpuAndSoIsEveryLaterOne() {
    FakeTower gpu = new FakeTower(InferenceEngines.TENSORRT, null, 4);
    FakeTower cpu = new FakeTower(InferenceEngines.ONNX_RUNTIME, new float[] {1, 2}, 0);
    AtomicInteger opened = new AtomicInteger();
    FallbackTower tower = new FallbackTower(gpu, () -> {
      opened.incrementAndGet();
      return cpu;
    }, "model.onnx");
    ModelInput input = ModelInput.floats("pixel_values", new float[4], 1, 1, 2, 2);

    assertThat(tower.engineName()).isEqualTo(InferenceEngines.TENSORRT);
    assertThat(tower.run(input)).containsExactly(1, 2);
    assertThat(tower.run(input)).containsExactly(1, 2);

    assertThat(gpu.runs).hasValue(1);
    assertThat(gpu.closed).isTrue();
    assertThat(cpu.runs).hasValue(2);
    assertThat(opened).hasValue(1);
    assertThat(tower.engineName()).isEqualTo(InferenceEngines.ONNX_RUNTIME);
    assertThat(tower.fixedBatch()).isZero();
    assertThat(events.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).startsWith("TensorRT failed running model.onnx (")
          .contains("CUDA out of memory").endsWith("running it on ONNX Runtime (CPU) from now on");
    });
  }
}
