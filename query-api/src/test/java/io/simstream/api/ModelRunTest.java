package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.Settings;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs that name a real embedding model take their size and prompt support from the model itself. */
class ModelRunTest {
  private final ApiClient client = SharedApi.client();
  private final String dataset = "models-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void theBundledModelSetsDimsAndRefusesTextPrompts() {
    client.post("/v1/datasets", Map.of("name", dataset));
    ApiClient.Response created = client.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "mobilenet", "model", "mobilenet-v2-nsfwjs"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().path("run").path("dims").asInt()).isEqualTo(1280);
    assertThat(created.json().path("run").path("supportsPrompts").asBoolean()).isFalse();

    ApiClient.Response text = client.post("/v1/datasets/" + dataset + "/similarity/mobilenet/sort-by-similarity",
        Map.of("text", "a cat"));
    assertThat(text.status()).isEqualTo(400);
    assertThat(text.json().path("error").asText()).contains("cannot embed text prompts");
  }

  @Test
  void anImageSentWithTheQueryIsEmbeddedByTheRunsModel() throws Exception {
    client.post("/v1/datasets", Map.of("name", dataset));
    assertThat(client.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "mobilenet", "model", "mobilenet-v2-nsfwjs")).status()).isEqualTo(201);
    assertThat(client.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "given", "dims", 4)).status()).isEqualTo(201);
    BufferedImage red = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
    red.getGraphics().fillRect(0, 0, 48, 32);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(red, "png", png);
    String search = "/v1/datasets/" + dataset + "/similarity/%s/sort-by-similarity";

    // Embedded to the run's 1,280 dims (any other size would be a 400), then searched: the index is empty.
    ApiClient.Response byImage = client.post(search.formatted("mobilenet"), Map.of("image", png.toByteArray(), "k", 3));
    assertThat(byImage.status()).as(byImage.body()).isEqualTo(200);
    assertThat(byImage.json().path("hits")).isEmpty();

    ApiClient.Response notAnImage = client.post(search.formatted("mobilenet"),
        Map.of("image", "plain text".getBytes(StandardCharsets.UTF_8)));
    assertThat(notAnImage.status()).isEqualTo(400);
    assertThat(notAnImage.json().path("error").asText()).contains("image cannot be embedded");

    ApiClient.Response precomputed = client.post(search.formatted("given"), Map.of("image", png.toByteArray()));
    assertThat(precomputed.status()).isEqualTo(400);
    assertThat(precomputed.json().path("error").asText()).contains("precomputed").contains("no model");
  }

  @Test
  void unknownModelsAndWrongDimsAreRefused() {
    client.post("/v1/datasets", Map.of("name", dataset));
    ApiClient.Response unknown = client.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "x", "model", "resnet-9000"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().path("error").asText()).contains("resnet-9000").contains("precomputed");

    ApiClient.Response clip = client.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "y", "model", "clip-onnx"));
    assertThat(clip.status()).isEqualTo(400);
    assertThat(clip.json().path("error").asText()).contains("SIMSTREAM_EMBEDDING_CLIP_DIR");

    ApiClient.Response wrongDims = client.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "z", "model", "mobilenet-v2-nsfwjs", "dims", 512));
    assertThat(wrongDims.status()).isEqualTo(400);
    assertThat(wrongDims.json().path("error").asText()).contains("1280").contains("512");
  }

  /** Configured but broken (a file missing from the CLIP folder): the operator's problem, said as such. */
  @Test
  void aConfiguredModelThatCannotOpenIsA503NamingTheProblem(@TempDir Path emptyClipDir) {
    try (QueryApi api = QueryApi.start(SharedApi.config().with(Map.of(Settings.EMBEDDING_CLIP_DIR,
        emptyClipDir.toString())))) {
      ApiClient own = new ApiClient("http://127.0.0.1:" + api.port(), null);
      own.post("/v1/datasets", Map.of("name", dataset));
      ApiClient.Response clip = own.post("/v1/datasets/" + dataset + "/similarity",
          Map.of("brainKey", "clip", "model", "clip-onnx"));
      assertThat(clip.status()).as(clip.body()).isEqualTo(503);
      assertThat(clip.json().path("error").asText()).contains("clip-onnx").contains("cannot be used")
          .contains(emptyClipDir.toString());
    }
  }
}
