package io.simstream.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.simstream.api.error.ApiException;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.embedding.Embedder;
import io.simstream.embedding.EmbeddingFailure;
import io.simstream.embedding.EmbeddingResult;
import io.simstream.embedding.ImageInput;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a query image's embedding failures reach the client. */
class EmbedderModelTest {

  /** The bytes go to the model as they are: no temporary file to write, or to leave behind. */
  @Test
  void theImageReachesTheModelInMemory() {
    byte[] image = {1, 2, 3};
    OneOutcome model = new OneOutcome(EmbeddingResult.success(new float[] {1, 0}));

    EmbedderModel.describe("mobile", model).image().orElseThrow().embed(image);

    assertThat(model.inputs).singleElement().satisfies(input -> {
      assertThat(input.uri()).isNull();
      assertThat(input.bytes()).isSameAs(image);
    });
  }

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

  /** An embedder whose every image has {@code outcome}; it keeps the inputs it was given. */
  private static final class OneOutcome implements Embedder {
    private final EmbeddingResult outcome;
    private final List<ImageInput> inputs = new ArrayList<>();

    OneOutcome(EmbeddingResult outcome) {
      this.outcome = outcome;
    }

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
      inputs.addAll(images);
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
