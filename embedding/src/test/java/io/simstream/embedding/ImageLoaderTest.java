package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.simstream.embedding.fetch.ImageFetcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching over a local HTTP server and from files, with the time, byte and pixel limits. */
class ImageLoaderTest {

  /** Generous, so a loaded machine never fails the requests meant to succeed. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  /** For the requests meant to time out; the slow endpoints take far longer than this. */
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(500);
  private static final long SLOW_MILLIS = 6_000;
  private static final long MAX_BYTES = 200_000;
  /** A byte this often, for far longer than any timeout here, unless the client drops the connection. */
  private static final long TRICKLE_MILLIS = 100;
  private static final int TRICKLE_BYTES = 1_800;
  private static final DecodeBudget BUDGET = new DecodeBudget(EmbeddingConfig.MIN_DECODE_BYTES);

  @TempDir
  static Path dir;

  private static HttpServer server;
  private static ExecutorService serverThreads;
  private static byte[] png;
  private static String base;
  /** Requests for /counted.png, whatever their query. */
  private static final AtomicInteger countedFetches = new AtomicInteger();
  /** Counted down by each trickling response whose connection the client dropped. */
  private static final CountDownLatch tricklesDropped = new CountDownLatch(2);

  private final ImageLoader loader = new ImageLoader(new ImageFetcher(TIMEOUT, MAX_BYTES), 1_000_000, BUDGET);

  @BeforeAll
  static void startServer() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(TestImages.scene(3, 160, 120), "png", out);
    png = out.toByteArray();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ok.png", ex -> respond(ex, 200, png, png.length));
    server.createContext("/missing.png", ex -> respond(ex, 404, new byte[0], -1));
    server.createContext("/counted.png", ex -> {
      countedFetches.incrementAndGet();
      respond(ex, 200, png, png.length);
    });
    server.createContext("/error.png", ex -> respond(ex, 500, new byte[0], -1));
    server.createContext("/forbidden.png", ex -> respond(ex, 403, new byte[0], -1));
    server.createContext("/busy.png", ex -> respond(ex, 429, new byte[0], -1));
    server.createContext("/big-declared.png", ex -> respond(ex, 200, new byte[300_000], 300_000));
    server.createContext("/big-chunked.png", ex -> respond(ex, 200, new byte[300_000], 0));
    server.createContext("/slow-headers.png", ex -> {
      sleep(SLOW_MILLIS);
      respond(ex, 200, png, png.length);
    });
    server.createContext("/slow-body.png", ex -> {
      ex.sendResponseHeaders(200, png.length);
      try (OutputStream body = ex.getResponseBody()) {
        int chunk = png.length / 20 + 1; // 20 chunks over SLOW_MILLIS
        for (int i = 0; i < png.length; i += chunk) {
          body.write(png, i, Math.min(chunk, png.length - i));
          body.flush();
          sleep(SLOW_MILLIS / 20);
        }
      } catch (IOException e) {
        // client gave up, as intended
      }
    });
    server.createContext("/huge-trickle.png", ex -> trickle(ex, 200, 1_000_000_000L));
    server.createContext("/missing-trickle.png", ex -> trickle(ex, 404, 0)); // chunked: no length to go by
    server.createContext("/redirect.png", ex -> {
      ex.getResponseHeaders().add("Location", "/ok.png");
      respond(ex, 302, new byte[0], -1);
    });
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterAll
  static void stopServer() {
    server.stop(0);
    serverThreads.shutdownNow();
  }

  @Test
  void downloadsAndDecodesOverHttp() throws Exception {
    assertThat(loader.load(URI.create(base + "/ok.png"), image -> image).getWidth()).isEqualTo(160);
    assertThat(loader.load(URI.create(base + "/redirect.png"), image -> image).getHeight()).isEqualTo(120);
  }

  @Test
  void httpErrorsAreClassified() {
    assertFailure(base + "/missing.png", EmbeddingFailure.NOT_FOUND, "HTTP 404");
    assertFailure(base + "/error.png", EmbeddingFailure.FETCH_FAILED, "HTTP 500");
    assertFailure(base + "/busy.png", EmbeddingFailure.FETCH_FAILED, "HTTP 429");
    assertFailure(base + "/forbidden.png", EmbeddingFailure.REFUSED, "HTTP 403");
    assertFailure("http://127.0.0.1:1/nothing-listens.png", EmbeddingFailure.FETCH_FAILED, "cannot fetch");
  }

  @Test
  void oversizedDownloadsAreCutOff() {
    assertFailure(base + "/big-declared.png", EmbeddingFailure.TOO_LARGE, "Content-Length");
    assertFailure(base + "/big-chunked.png", EmbeddingFailure.TOO_LARGE, "exceeds " + MAX_BYTES);
  }

  @Test
  void slowServersTimeOut() {
    ImageLoader impatient = new ImageLoader(new ImageFetcher(SHORT_TIMEOUT, MAX_BYTES), 1_000_000, BUDGET);
    for (String path : List.of("/slow-headers.png", "/slow-body.png")) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> impatient.load(URI.create(base + path), image -> image))
          .isInstanceOfSatisfying(ImageLoadException.class,
              e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.TIMEOUT));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as(path).isLessThan(Duration.ofMillis(SLOW_MILLIS / 2));
    }
  }

  @Test
  void unwantedBodiesAreDroppedInsteadOfDrained() throws Exception {
    for (String path : List.of("/huge-trickle.png", "/missing-trickle.png")) {
      long start = System.nanoTime();
      assertFailure(base + path, path.startsWith("/huge") ? EmbeddingFailure.TOO_LARGE : EmbeddingFailure.NOT_FOUND,
          path.startsWith("/huge") ? "Content-Length" : "HTTP 404");
      // Decided from the headers: reading the trickle to its end would take far longer than the timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as(path).isLessThan(TIMEOUT.dividedBy(2));
    }
    assertThat(tricklesDropped.await(TRICKLE_MILLIS * TRICKLE_BYTES / 2, TimeUnit.MILLISECONDS))
        .as("the server saw both connections dropped").isTrue();
  }

  /** A query's picture arrives in memory: the byte limit holds for it as for a fetched image. */
  @Test
  void bytesInMemoryObeyTheSameLimits() throws Exception {
    assertThat(loader.load(ImageInput.ofBytes(png), image -> image).getWidth()).isEqualTo(160);
    assertThatThrownBy(() -> loader.load(ImageInput.ofBytes(new byte[300_000]), image -> image))
        .isInstanceOfSatisfying(ImageLoadException.class,
            e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.TOO_LARGE))
        .hasMessageContaining("limit " + MAX_BYTES);
  }

  @Test
  void filesObeyTheSameLimits() throws Exception {
    Path big = Files.write(dir.resolve("big.png"), new byte[300_000]);
    assertFailure(big.toUri().toString(), EmbeddingFailure.TOO_LARGE, "limit " + MAX_BYTES);
    Path image = Files.write(dir.resolve("ok.png"), png);
    ImageLoader exact = new ImageLoader(new ImageFetcher(TIMEOUT, MAX_BYTES), 160 * 120, BUDGET);
    assertThat(exact.load(image.toUri(), decoded -> decoded).getWidth()).isEqualTo(160);
    ImageLoader oneShort = new ImageLoader(new ImageFetcher(TIMEOUT, MAX_BYTES), 160 * 120 - 1, BUDGET);
    assertThatThrownBy(() -> oneShort.load(image.toUri(), decoded -> decoded))
        .isInstanceOfSatisfying(ImageLoadException.class,
            e -> assertThat(e.failure()).isEqualTo(EmbeddingFailure.TOO_LARGE))
        .hasMessageContaining("160x120");
  }

  @Test
  void embedderReadsHttpUrlsLikeFiles() throws Exception {
    Path file = Files.write(dir.resolve("same.png"), png);
    try (Embedder embedder = EmbedderFactory.create(EmbeddingConfig.defaults()
        .withEngine(EngineChoice.CPU)
        .withImageLimits(Duration.ofSeconds(3), MAX_BYTES, 1_000_000)
        .withCacheDirectory(dir.resolve("cache")))) {
      List<EmbeddingResult> results = embedder.embedImages(List.of(
          ImageInput.of(base + "/ok.png"), ImageInput.of(file), ImageInput.of(base + "/slow-headers.png")));
      assertThat(results.get(0).vector()).containsExactly(results.get(1).vector());
      assertThat(results.get(2).failure()).isEqualTo(EmbeddingFailure.TIMEOUT);
    }
  }

  @Test
  void theBoxesOfOneImageInABatchFetchItOnce() throws Exception {
    Path other = Files.write(dir.resolve("other.png"), png);
    try (Embedder embedder = EmbedderFactory.create(EmbeddingConfig.defaults()
        .withEngine(EngineChoice.CPU)
        .withCacheDirectory(dir.resolve("cache")))) {
      int before = countedFetches.get();
      List<EmbeddingResult> shared = embedder.embedImages(patches(i -> base + "/counted.png", other));
      assertThat(countedFetches.get() - before).as("fetches of the image with 10 boxes").isEqualTo(1);
      // Per-patch processing, as before: each box under a URI of its own, so each is fetched and decoded alone.
      before = countedFetches.get();
      List<EmbeddingResult> alone = embedder.embedImages(patches(i -> base + "/counted.png?box=" + i, other));
      assertThat(countedFetches.get() - before).isEqualTo(10);
      for (int i = 0; i < shared.size(); i++) {
        assertThat(shared.get(i).failure()).as("entry %d", i).isEqualTo(alone.get(i).failure());
        if (alone.get(i).isSuccess()) {
          assertThat(shared.get(i).vector()).as("entry %d", i).containsExactly(alone.get(i).vector());
        }
      }
      assertThat(shared.get(3).failure()).isEqualTo(EmbeddingFailure.NOT_FOUND);
      assertThat(shared.get(4).isSuccess()).isTrue();
      assertThat(shared.get(4).vector()).isNotEqualTo(shared.get(5).vector());
    }
  }

  /**
   * Boxes of one image that do not fit one inference batch still cost one fetch: an image of many patches (or one
   * that a batch boundary would cut) is not downloaded again for each batch it spans.
   */
  @Test
  void theBoxesOfOneImageSpanningBatchesFetchItOnce() throws Exception {
    Path other = Files.write(dir.resolve("other-spanning.png"), png);
    EmbeddingConfig config = EmbeddingConfig.defaults().withEngine(EngineChoice.CPU)
        .withCacheDirectory(dir.resolve("cache"));
    try (Embedder small = EmbedderFactory.create(config.withBatchSize(3));
         Embedder large = EmbedderFactory.create(config.withBatchSize(64))) {
      List<ImageInput> inputs = new ArrayList<>();
      inputs.add(ImageInput.of(other)); // the counted image starts mid-batch and spans four batches of 3
      inputs.addAll(patches(i -> base + "/counted.png", other));
      int before = countedFetches.get();
      List<EmbeddingResult> spanning = small.embedImages(inputs);
      assertThat(countedFetches.get() - before).as("fetches of the image with 10 boxes, batches of 3").isEqualTo(1);
      List<EmbeddingResult> inOneBatch = large.embedImages(inputs);
      assertThat(spanning).hasSameSizeAs(inputs);
      for (int i = 0; i < inputs.size(); i++) {
        assertThat(spanning.get(i).failure()).as("entry %d", i).isEqualTo(inOneBatch.get(i).failure());
        if (inOneBatch.get(i).isSuccess()) {
          assertThat(spanning.get(i).vector()).as("entry %d", i).containsExactly(inOneBatch.get(i).vector());
        }
      }
      assertThat(spanning.get(0).isSuccess()).isTrue();
      assertThat(spanning.get(4).failure()).isEqualTo(EmbeddingFailure.NOT_FOUND);
    }
  }

  /** Ten boxes of one image, with another image and two boxes of a missing one in between. */
  private static List<ImageInput> patches(IntFunction<String> boxedImage, Path other) {
    List<ImageInput> inputs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      inputs.add(ImageInput.of(boxedImage.apply(i)).withCrop(new CropBox(0.05 * i, 0.02 * i, 0.5, 0.4 + 0.04 * i)));
      if (i == 2) {
        inputs.add(ImageInput.of(base + "/missing.png").withCrop(new CropBox(0, 0, 0.5, 0.5)));
      }
      if (i == 5) {
        inputs.add(ImageInput.of(other));
        inputs.add(ImageInput.of(base + "/missing.png"));
      }
    }
    return inputs;
  }

  private void assertFailure(String uri, EmbeddingFailure failure, String message) {
    assertThatThrownBy(() -> loader.load(URI.create(uri), image -> image))
        .isInstanceOfSatisfying(ImageLoadException.class, e -> assertThat(e.failure()).isEqualTo(failure))
        .hasMessageContaining(message);
  }

  private static void respond(HttpExchange exchange, int status, byte[] body, long length) throws IOException {
    exchange.sendResponseHeaders(status, length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    } catch (IOException e) {
      // client cancelled an oversized body
    }
  }

  private static void trickle(HttpExchange exchange, int status, long length) {
    try (exchange) {
      exchange.sendResponseHeaders(status, length);
      OutputStream body = exchange.getResponseBody();
      for (int i = 0; i < TRICKLE_BYTES; i++) {
        body.write(0);
        body.flush();
        Thread.sleep(TRICKLE_MILLIS);
      }
    } catch (IOException e) {
      tricklesDropped.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the server is stopping
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
