package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.browser.Chromium;
import io.simstream.api.browser.HeadlessBrowser;
import io.simstream.api.model.EmbeddingModel;
import io.simstream.api.model.EmbeddingModels;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.BoundingBox;
import io.simstream.event.ChangeEvent;
import io.simstream.event.Patch;
import io.simstream.event.SampleAdded;
import io.simstream.json.Json;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The results page in a real headless Chromium against a query API on the real Kafka and
 * Elasticsearch: images on disk, their vectors, image URIs and patch boxes in the runs' indexes
 * (loaded as the indexer would write them; the API reads nothing else about samples). Clicking a tile must order the grid
 * exactly as the API's sort-by-similarity does; patches must show as crops of their boxes.
 * With {@code -Dsimstream.ui.screenshot=<file.png>} the sorted page is saved there (docs/ui.png).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultsPageTest {
  private static final String TOKEN = "results-page-token";
  private static final String TEXT_MODEL = "toy-colour-words";
  private static final int SAMPLES = 18;
  private static final int WIDTH = 320;
  private static final int HEIGHT = 240;
  private static final Duration PAGE_WAIT = Duration.ofMinutes(2);
  /** Hue of each colour word the toy text tower knows. */
  private static final Map<String, Double> HUES = Map.of("red", 0.0, "yellow", 1 / 6.0, "green", 1 / 3.0,
      "cyan", 0.5, "blue", 2 / 3.0, "magenta", 5 / 6.0);

  private final String dataset = "ui-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Color> patchColours = new HashMap<>();
  private final Map<String, BoundingBox> patchBoxes = new HashMap<>();
  private QueryApi api;
  private ApiClient client;
  private Path images;
  private HeadlessBrowser browser;

  @BeforeAll
  void start() throws Exception {
    EmbeddingModels models = model -> TEXT_MODEL.equals(model)
        ? Optional.of(new EmbeddingModel(4, Optional.of(ResultsPageTest::colourWord))) : Optional.empty();
    SimstreamConfig config = TestBackends.config(Map.of(Settings.API_TOKEN, TOKEN));
    api = QueryApi.start(config, models);
    client = new ApiClient(base(), TOKEN);
    assertThat(client.post("/v1/datasets", Map.of("name", dataset)).status()).isEqualTo(201);
    String colourIndex = createRun(Map.<String, Object>of("brainKey", "colour", "model", TEXT_MODEL));
    String objectsIndex = createRun(Map.<String, Object>of("brainKey", "objects", "patchesField", "ground_truth", "dims", 4));
    String legacyIndex = createRun(Map.<String, Object>of("brainKey", "legacy", "dims", 4));

    images = Files.createTempDirectory("results-page");
    List<EsLoader.Doc> samples = new ArrayList<>();
    List<EsLoader.Doc> patches = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      SampleAdded added = sample(i);
      samples.add(new EsLoader.Doc(added.sampleId(), added.sampleId(), null, added.embeddings().get("colour"),
          Map.of("image_uri", added.imageUri())));
      for (Patch patch : added.patches()) {
        BoundingBox box = patch.boundingBox();
        patches.add(new EsLoader.Doc(patch.labelId(), added.sampleId(), patch.labelId(),
            patch.embeddings().get("objects"), Map.of("image_uri", added.imageUri(), "field", patch.field(),
            "label", patch.label(), "bounding_box", List.of(box.x(), box.y(), box.width(), box.height()))));
      }
    }
    EsLoader.load(colourIndex, samples);
    EsLoader.load(objectsIndex, patches);
    // A document as an indexer from before stored summaries wrote it: vector only.
    EsLoader.load(legacyIndex, List.of(new EsLoader.Doc("old", "old", null, hueVector(0.25))));
  }

  @AfterAll
  void stop() throws IOException {
    if (browser != null) {
      browser.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void clickingAnImageOrdersTheGridAsTheApiAndReverseFlipsIt() throws IOException {
    openPage("colour");
    assertThat(tileIds()).hasSize(SAMPLES);
    assertThat(rendered()).containsOnly("image");

    int seq = seq();
    browser.click(".tile[data-id='sample-05']");
    awaitGrid(seq, "id:sample-05");
    assertThat(tileIds()).isEqualTo(apiOrder("colour", Map.of("id", "sample-05", "k", 48, "reverse", false)))
        .startsWith("sample-05");
    String screenshot = System.getProperty("simstream.ui.screenshot");
    if (screenshot != null && !screenshot.isBlank()) {
      browser.send("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", 0, "y", 0)); // no hover outline
      Files.write(Path.of(screenshot), browser.screenshot());
    }

    seq = seq();
    browser.click("#reverse");
    awaitGrid(seq, "id:sample-05 reverse");
    List<String> reversed = tileIds();
    assertThat(reversed).isEqualTo(apiOrder("colour", Map.of("id", "sample-05", "k", 48, "reverse", true)))
        .endsWith("sample-05");
    browser.click("#reverse"); // leave the page's state as found for other tests in this tab
  }

  @Test
  void aPromptOrdersTheGridAsTheApi() {
    openPage("colour");
    browser.click("#prompt");
    browser.send("Input.insertText", Map.of("text", "cyan"));
    int seq = seq();
    browser.click("#prompt-go");
    awaitGrid(seq, "text:cyan");
    List<String> ids = tileIds();
    assertThat(ids).isEqualTo(apiOrder("colour", Map.of("text", "cyan", "k", 48, "reverse", false)));
    assertThat(ids.get(0)).isEqualTo("sample-09"); // hue 9/18 is cyan
  }

  @Test
  void patchesShowAsCropsOfTheirBoxes() {
    openPage("objects");
    int seq = seq();
    browser.click(".tile[data-id='sample-03-a']");
    awaitGrid(seq, "id:sample-03-a");
    List<String> ids = tileIds();
    assertThat(ids).isEqualTo(apiOrder("objects", Map.of("id", "sample-03-a", "k", 48, "reverse", false)));
    assertThat(rendered()).containsOnly("crop");

    // The middle pixel of every crop has its patch's fill colour, and each crop has its box's shape.
    JsonNode crops = browser.evaluate("[...document.querySelectorAll('.tile')].map(t => {"
        + " const c = t.querySelector('canvas'); const p = c.getContext('2d')"
        + ".getImageData(c.width >> 1, c.height >> 1, 1, 1).data;"
        + " return {id: t.dataset.id, r: p[0], g: p[1], b: p[2], w: c.width, h: c.height}; })");
    assertThat(crops).hasSize(ids.size());
    for (JsonNode crop : crops) {
      String id = crop.path("id").asText();
      Color expected = patchColours.get(id);
      assertThat(List.of(crop.path("r").asInt(), crop.path("g").asInt(), crop.path("b").asInt()))
          .as("middle pixel of the crop of %s", id)
          .satisfies(rgb -> {
            assertThat(rgb.get(0)).isCloseTo(expected.getRed(), within(24));
            assertThat(rgb.get(1)).isCloseTo(expected.getGreen(), within(24));
            assertThat(rgb.get(2)).isCloseTo(expected.getBlue(), within(24));
          });
      BoundingBox box = patchBoxes.get(id);
      double expectedAspect = box.width() * WIDTH / (box.height() * HEIGHT);
      assertThat(crop.path("w").asDouble() / crop.path("h").asDouble()).as("aspect of %s", id)
          .isCloseTo(expectedAspect, within(0.1));
    }
  }

  @Test
  void thumbnailsNeedTheTokenAndAreDownscaled() throws Exception {
    String path = runPath("colour") + "/thumbnail?id=sample-02&size=160";
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<byte[]> anonymous = http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<byte[]> thumbnail = http.send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(thumbnail.statusCode()).isEqualTo(200);
    assertThat(thumbnail.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(thumbnail.headers().firstValue("Cache-Control")).hasValue("private, max-age=300");
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
    assertThat(image.getWidth()).isEqualTo(160);
    assertThat(image.getHeight()).isEqualTo(120);
    ApiClient.Response ofPatch = client.get(runPath("objects") + "/thumbnail?id=sample-02-b&size=160");
    assertThat(ofPatch.status()).as("a patch's document knows its sample's image").isEqualTo(200);

    ApiClient.Response missing = client.get(runPath("colour") + "/thumbnail?id=nope");
    assertThat(missing.status()).as(missing.body()).isEqualTo(404);
    ApiClient.Response badSize = client.get(path.replace("size=160", "size=5000"));
    assertThat(badSize.status()).isEqualTo(400);
  }

  @Test
  void documentSummariesComeFromTheRunsIndex() {
    ApiClient.Response lookup = client.get(runPath("colour") + "/documents?id=sample-02&id=nope");
    assertThat(lookup.status()).as(lookup.body()).isEqualTo(200);
    JsonNode sample = lookup.json().path("documents").get(0);
    assertThat(sample.path("id").asText()).isEqualTo("sample-02");
    assertThat(sample.path("imageUri").asText()).isEqualTo(images.resolve("sample-02.png").toString());
    assertThat(sample.has("boundingBox")).isFalse();
    assertThat(lookup.json().path("missingIds")).extracting(JsonNode::asText).containsExactly("nope");

    ApiClient.Response patches = client.get(runPath("objects") + "/documents?id=sample-02-a&id=sample-07-b");
    assertThat(patches.status()).as(patches.body()).isEqualTo(200);
    JsonNode patch = patches.json().path("documents").get(0);
    assertThat(patch.path("id").asText()).isEqualTo("sample-02-a");
    assertThat(patch.path("sampleId").asText()).isEqualTo("sample-02");
    assertThat(patch.path("labelId").asText()).isEqualTo("sample-02-a");
    assertThat(patch.path("field").asText()).isEqualTo("ground_truth");
    assertThat(patch.path("label").asText()).isEqualTo("object");
    BoundingBox box = patchBoxes.get("sample-02-a");
    assertThat(patch.path("boundingBox")).extracting(JsonNode::asDouble)
        .containsExactly(box.x(), box.y(), box.width(), box.height());
    assertThat(patch.path("imageUri").asText()).isEqualTo(images.resolve("sample-02.png").toString());
    assertThat(patches.json().path("documents").get(1).path("label").asText()).isEqualTo("block");

    assertThat(client.get("/v1/datasets/unknown-ds/similarity/colour/documents?id=a").status()).isEqualTo(404);
    assertThat(client.get(runPath("nope") + "/documents?id=a").status()).isEqualTo(404);
  }

  @Test
  void aDocumentWrittenBeforeSummariesIsFoundButHasNoImage() {
    ApiClient.Response lookup = client.get(runPath("legacy") + "/documents?id=old");
    assertThat(lookup.status()).as(lookup.body()).isEqualTo(200);
    JsonNode old = lookup.json().path("documents").get(0);
    assertThat(old.path("sampleId").asText()).isEqualTo("old");
    assertThat(old.has("imageUri")).isFalse();
    ApiClient.Response thumbnail = client.get(runPath("legacy") + "/thumbnail?id=old");
    assertThat(thumbnail.status()).isEqualTo(404);
    assertThat(thumbnail.json().path("error").asText()).contains("no imageUri", "next change");
  }

  private String runPath(String run) {
    return "/v1/datasets/" + dataset + "/similarity/" + run;
  }

  private void openPage(String run) {
    String why = Chromium.unavailable();
    if (why != null) {
      System.out.println("ResultsPageTest: browser checks skipped: " + why);
    }
    assumeTrue(why == null, why);
    if (browser == null) {
      try {
        browser = HeadlessBrowser.start(1280, 900);
      } catch (Exception e) {
        throw new IllegalStateException("Chromium did not start", e);
      }
    }
    // The token lives in the tab's sessionStorage, as a user would have typed it once.
    browser.navigate(base() + "/ui");
    await().atMost(PAGE_WAIT).until(() -> "complete".equals(browser.evaluate("document.readyState").asText()));
    browser.evaluate("sessionStorage.setItem('simstream.token', " + Json.MAPPER.valueToTree(TOKEN) + ")");
    browser.evaluate("window.leftBehind = true"); // tells the old document from the new one
    browser.navigate(base() + "/ui?dataset=" + dataset + "&run=" + run);
    await().atMost(PAGE_WAIT).pollInterval(Duration.ofMillis(200)).until(() -> "browse".equals(
        browser.evaluate("(() => { const g = document.getElementById('grid');"
            + " return !window.leftBehind && g && g.dataset.state === 'ready' ? g.dataset.query : ''; })()").asText()));
  }

  /** Waits until the grid shows a newer answer than {@code seq}, for {@code query}. */
  private void awaitGrid(int seq, String query) {
    await().atMost(PAGE_WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      JsonNode grid = browser.evaluate("(() => { const g = document.getElementById('grid');"
          + " return {state: g.dataset.state, query: g.dataset.query, seq: Number(g.dataset.seq || 0),"
          + " status: document.getElementById('status').textContent}; })()");
      assertThat(grid.path("state").asText()).as(grid.path("status").asText()).isNotEqualTo("error");
      return grid.path("seq").asInt() > seq && "ready".equals(grid.path("state").asText())
          && query.equals(grid.path("query").asText());
    });
  }

  private int seq() {
    return browser.evaluate("Number(document.getElementById('grid').dataset.seq || 0)").asInt();
  }

  private List<String> tileIds() {
    return strings(browser.evaluate("[...document.querySelectorAll('.tile')].map(t => t.dataset.id)"));
  }

  private List<String> rendered() {
    return strings(browser.evaluate("[...document.querySelectorAll('.tile')].map(t => t.dataset.rendered)"));
  }

  private List<String> apiOrder(String run, Map<String, Object> body) {
    ApiClient.Response response = client.post("/v1/datasets/" + dataset + "/similarity/" + run
        + "/sort-by-similarity", body);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    response.json().path("hits").forEach(hit -> ids.add(hit.path("id").asText()));
    return ids;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private String createRun(Map<String, Object> body) {
    ApiClient.Response created = client.post("/v1/datasets/" + dataset + "/similarity", body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().path("run").path("indexName").asText();
  }

  private String base() {
    return "http://127.0.0.1:" + api.port();
  }

  /**
   * Sample i: a background of hue i/SAMPLES with two boxes, "a" in the opposite hue and "b" in a
   * grey. Its vector encodes the background hue, each patch's vector its fill colour.
   */
  private SampleAdded sample(int i) throws IOException {
    String id = String.format("sample-%02d", i);
    double hue = (double) i / SAMPLES;
    BoundingBox boxA = new BoundingBox(0.08 + 0.02 * (i % 5), 0.12, 0.36, 0.42);
    BoundingBox boxB = new BoundingBox(0.56, 0.40 + 0.03 * (i % 4), 0.30, 0.40);
    Color colourA = Color.getHSBColor((float) ((hue + 0.5) % 1.0), 0.9f, 0.95f);
    Color colourB = new Color(30 + 12 * i, 30 + 12 * i, 30 + 12 * i);
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.getHSBColor((float) hue, 0.55f, 0.9f));
    g.fillRect(0, 0, WIDTH, HEIGHT);
    fill(g, boxA, colourA);
    fill(g, boxB, colourB);
    g.dispose();
    Path file = images.resolve(id + ".png");
    ImageIO.write(image, "png", file.toFile());

    List<Patch> patches = List.of(patch(id + "-a", "object", boxA, colourA), patch(id + "-b", "block", boxB, colourB));
    return new SampleAdded(ChangeEvent.CURRENT_SCHEMA_VERSION, dataset, id, file.toString(),
        Map.of("colour", hueVector(hue)), patches, Instant.now());
  }

  private Patch patch(String labelId, String label, BoundingBox box, Color colour) {
    patchColours.put(labelId, colour);
    patchBoxes.put(labelId, box);
    float[] rgb = colour.getRGBColorComponents(null);
    return new Patch(labelId, "ground_truth", label, box, Map.of("objects", new float[] {rgb[0], rgb[1], rgb[2], 0.2f}));
  }

  private static void fill(Graphics2D g, BoundingBox box, Color colour) {
    g.setColor(colour);
    g.fillRect((int) Math.round(box.x() * WIDTH), (int) Math.round(box.y() * HEIGHT),
        (int) Math.round(box.width() * WIDTH), (int) Math.round(box.height() * HEIGHT));
  }

  private static float[] hueVector(double hue) {
    return new float[] {(float) Math.cos(2 * Math.PI * hue), (float) Math.sin(2 * Math.PI * hue), 0.3f, 0.05f};
  }

  /** The toy text tower: a colour word becomes the vector of its hue. */
  private static float[] colourWord(String prompt) {
    Double hue = HUES.get(prompt.trim().toLowerCase(Locale.ROOT));
    if (hue == null) {
      throw new IllegalArgumentException("the toy text tower knows only " + HUES.keySet());
    }
    return hueVector(hue);
  }
}
