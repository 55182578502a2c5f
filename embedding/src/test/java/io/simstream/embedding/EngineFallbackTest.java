package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * On this CPU-only machine TensorRT cannot load (no GPU, no libnvinfer): asking for it must end on
 * ONNX Runtime with exactly one explanatory log line, never an exception.
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
  void tensorRtRequestFallsBackToCpuWithOneWarning() {
    try (Embedder embedder = EmbedderFactory.create(config(EngineChoice.TENSORRT))) {
      assertThat(embedder.engineName()).isEqualTo("OnnxRuntime");
      assertThat(embedder.embedImages(List.of(ImageInput.of(TestImages.photo("rocket.jpg", dir)))).get(0).isSuccess())
          .isTrue();
    }
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

  private EmbeddingConfig config(EngineChoice engine) {
    return EmbeddingConfig.defaults().withEngine(engine).withBatchSize(2).withCacheDirectory(dir.resolve("cache"));
  }
}
