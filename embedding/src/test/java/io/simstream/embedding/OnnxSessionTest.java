package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing a session, as a shutdown does, while another thread may be running it. */
class OnnxSessionTest {

  /** Far beyond what a thread needs to reach a lock; only there so a regression fails instead of hanging. */
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void closeWaitsForARunInProgressAndLaterRunsFailClearly() throws Exception {
    OnnxSession session = InferenceEngines.openCpu(Files.write(dir.resolve("tiny.onnx"), TinyClipModel.visionModel()),
        "image_embeds");
    assertThat(session.run(blankImage())).hasSize(TinyClipModel.DIMENSIONS);
    Thread closer = new Thread(session::close, "closer");
    synchronized (session) { // what run holds for the whole inference
      closer.start();
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (closer.getState() != Thread.State.BLOCKED && closer.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(closer.getState()).as("close waits for the run instead of freeing the model under it")
          .isEqualTo(Thread.State.BLOCKED);
    }
    closer.join(DEADLINE.toMillis());
    assertThat(closer.isAlive()).isFalse();
    assertThatThrownBy(() -> session.run(blankImage()))
        .isInstanceOf(EmbeddingException.class)
        .hasMessage("Model tiny on OnnxRuntime is closed");
    session.close(); // a second close does nothing
  }

  private static ModelInput blankImage() {
    return ModelInput.floats("pixel_values", new float[3 * 224 * 224], 1, 3, 224, 224);
  }
}
