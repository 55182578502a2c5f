package io.simstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.cli.SimstreamCli;
import io.simstream.config.Setting;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.indexer.Indexer;
import io.simstream.json.Json;
import io.simstream.servers.LocalServers;
import io.simstream.servers.LocalStackConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command 1's journey on the real stack: the bundled clip art goes through {@code simstream produce
 * --wait}, the indexer embeds it with MobileNetV2, and the neighbours the demo prints are pictures of
 * the same kind. Also prints, per folder, how many of each image's 5 nearest neighbours share its folder.
 */
class ImageDemoIT {
  /** The API asks for a token, as a deployed one does: the demo and its produce must send it. */
  private static final String TOKEN = "image-demo-token";

  @Test
  void bundledImagesAreEmbeddedAndTheirNeighboursLookAlike(@TempDir Path stateDir, @TempDir Path images)
      throws Exception {
    SimstreamConfig config = LocalStackConfig.withStateDir(stateDir).with(Map.<Setting<?>, String>of(Settings.API_TOKEN, TOKEN));
    int count = DemoImages.copyTo(images);
    assertThat(count).isEqualTo(DemoImages.names().size()).isBetween(200, 400);

    try (Indexer indexer = Indexer.start(config); QueryApi api = QueryApi.start(config)) {
      String apiUrl = "http://127.0.0.1:" + api.port();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      ImageDemo demo = new ImageDemo("demo-it", LocalServers.kafka().bootstrapServers(), apiUrl, TOKEN,
          new PrintWriter(out, true), new PrintWriter(err, true));
      JsonNode run = demo.createRun();
      assertThat(run.path("supportsPrompts").asBoolean()).as("MobileNetV2 has no text tower").isFalse();

      int status = demo.produce(images);
      System.out.println(out + "" + err);
      // --wait returned 0: every image is embedded and searchable in the run.
      assertThat(status).isZero();
      assertThat(out.toString()).contains("sent " + count + " events").contains("searchable in 1 run(s): [mobilenet]");
      assertThat(new ApiClient(apiUrl, TOKEN).get("/v1/datasets/demo-it/similarity/" + ImageDemo.BRAIN_KEY + "/size")
          .path("size").asLong()).isEqualTo(count);

      // The results page's images: the indexer stored each sample's image URI in its document.
      String card = "/v1/datasets/demo-it/similarity/" + ImageDemo.BRAIN_KEY;
      String cardId = "id=" + URLEncoder.encode("cards/simple_c_5.jpg", StandardCharsets.UTF_8);
      assertThat(new ApiClient(apiUrl, TOKEN).get(card + "/documents?" + cardId).path("documents").get(0).path("imageUri")
          .asText()).endsWith("simple_c_5.jpg");
      HttpResponse<byte[]> thumbnail = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(apiUrl + card + "/thumbnail?size=64&" + cardId)).header("Authorization", "Bearer " + TOKEN).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(thumbnail.statusCode()).isEqualTo(200);
      BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
      assertThat(Math.max(small.getWidth(), small.getHeight())).isLessThanOrEqualTo(64);

      // The same picture sent from outside: embedded by the API with the run's model, it finds itself first.
      StringWriter queryOut = new StringWriter();
      int queried = SimstreamCli.run(new String[] {"query", "demo-it", ImageDemo.BRAIN_KEY, "--image",
          images.resolve("cards/simple_c_5.jpg").toString(), "-k", "3", "--json", "--api", apiUrl, "--token", TOKEN},
          new PrintWriter(queryOut, true), new PrintWriter(err, true));
      assertThat(queried).as(err.toString()).isZero();
      JsonNode byImage = Json.MAPPER.readTree(queryOut.toString()).path("hits");
      assertThat(byImage.get(0).path("sampleId").asText()).isEqualTo("cards/simple_c_5.jpg");
      // Not exactly 0: the index compares int8-quantised vectors.
      assertThat(byImage.get(0).path("distance").asDouble()).isCloseTo(0, org.assertj.core.data.Offset.offset(0.01));

      Map<String, int[]> sameFolder = new TreeMap<>();
      for (String name : DemoImages.names()) {
        List<String> hits = ImageDemo.sampleIds(demo.sortBySimilarity(name, 6, false));
        int[] tally = sameFolder.computeIfAbsent(folder(name), f -> new int[2]);
        tally[0] += (int) hits.stream().filter(id -> !id.equals(name) && folder(id).equals(folder(name))).count();
        tally[1] += hits.size() - 1;
      }
      sameFolder.forEach((folder, tally) -> System.out.printf("same-folder share of the 5 nearest, %s: %.2f%n",
          folder, (double) tally[0] / tally[1]));

      // The cards are near-identical drawings: all of a card's nearest neighbours are cards.
      List<String> cards = ImageDemo.sampleIds(demo.sortBySimilarity("cards/simple_c_5.jpg", 6, false));
      assertThat(cards).first().isEqualTo("cards/simple_c_5.jpg");
      assertThat(cards).allMatch(id -> id.startsWith("cards/"));
      for (String query : DemoMain.QUERIES) {
        List<String> hits = ImageDemo.sampleIds(demo.sortBySimilarity(query, 6, false));
        assertThat(hits).as(query + " is its own nearest neighbour").first().isEqualTo(query);
        assertThat(hits.subList(1, hits.size())).as("most neighbours of " + query + " are of its kind")
            .filteredOn(id -> folder(id).equals(folder(query))).hasSizeGreaterThanOrEqualTo(3);
      }
      List<String> farthest = ImageDemo.sampleIds(demo.sortBySimilarity("cards/simple_c_5.jpg", 3, true));
      assertThat(farthest).hasSize(3).noneMatch(id -> id.startsWith("cards/"));
    }
  }

  private static String folder(String sampleId) {
    return sampleId.substring(0, sampleId.indexOf('/'));
  }
}
