package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a model while a batch is loading ends the batch: images still queued for a loader thread never run
 * once the loaders stop, and their batch must not wait for them for ever (a shutdown that never ends).
 */
class ImageBatchEmbedderCloseTest {
  private static final long WAIT_MS = 60_000;

  @TempDir
  Path dir;

  @Test
  void closingWhileImagesWaitForALoaderEndsTheBatch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.createContext("/hang.png", exchange -> {
      requests.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.start();
    EmbeddingConfig config = EmbeddingConfig.defaults().withEngine(EngineChoice.CPU)
        .withClipDirectory(TinyClipModel.writeTo(dir.resolve("clip"))).withCacheDirectory(dir.resolve("cache"))
        .withImageLimits(Duration.ofMinutes(10), 1_000_000, 1_000_000);
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/hang.png?";
    // One image more than there are loader threads: it waits in the loaders' queue.
    List<ImageInput> images = IntStream.rangeClosed(0, config.loaderThreads())
        .mapToObj(i -> ImageInput.of(base + i)).toList();
    Embedder clip = EmbedderFactory.create(config);
    Thread batch = new Thread(() -> {
      try {
        clip.embedImages(images);
      } catch (RuntimeException e) {
        // ended by the close: what the test waits for
      }
    });
    try {
      batch.start();
      long deadline = System.currentTimeMillis() + WAIT_MS;
      while (requests.get() < config.loaderThreads() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertThat(requests.get()).as("every loader busy with a hanging image").isEqualTo(config.loaderThreads());

      clip.close();
      batch.join(WAIT_MS);

      assertThat(batch.isAlive()).as("the batch ended with the close").isFalse();
    } finally {
      release.countDown();
      server.stop(0);
      serverThreads.shutdownNow();
    }
  }
}
