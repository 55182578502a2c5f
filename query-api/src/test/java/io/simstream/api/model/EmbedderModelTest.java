package io.simstream.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.simstream.api.error.ApiException;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.ImageInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a query image's embedding failures reach the client. */
class EmbedderModelTest {

  /** No decode memory free in time, say: the same image may work a moment later, so not the client's fault. */
  @Test
  void aRetryableFailureIsA503() {
    ApiException e = catchThrowableOfType(() -> embed(EmbeddingResult.failed(EmbeddingFailure.TIMEOUT,
        "no decode memory for 1000 bytes within PT10S")), ApiException.class);

    assertThat(e).isInstanceOf(BackendUnavailableException.class);
    assertThat(e.status()).isEqualTo(503);
    assertThat(((BackendUnavailableException) e).reason()).isEqualTo(BackendUnavailableException.Reason.MODEL_BUSY);
    assertThat(e.getMessage()).contains("no decode memory").contains("mobile");
  }

  @Test
  void anImageTheModelCannotReadIsA400() {
    ApiException e = catchThrowableOfType(() -> embed(EmbeddingResult.failed(EmbeddingFailure.UNDECODABLE,
        "not an image")), ApiException.class);

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("image cannot be embedded: not an image");
  }

  private static float[] embed(EmbeddingResult outcome) {
    return EmbedderModel.describe("mobile", new OneOutcome(outcome)).image().orElseThrow().embed(new byte[] {1, 2});
  }

  private record OneOutcome(EmbeddingResult outcome) implements Embedder {
    @Override
    public String modelName() {
      return "mobile";
    }

    @Override
    public int dimensions() {
      return 2;
    }

    @Override
    public boolean supportsPrompts() {
      return false;
    }

    @Override
    public String engineName() {
      return "test";
    }

    @Override
    public List<EmbeddingResult> embedImages(List<ImageInput> images) {
      return images.stream().map(image -> outcome).toList();
    }

    @Override
    public float[] embedText(String prompt) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
  }
}
