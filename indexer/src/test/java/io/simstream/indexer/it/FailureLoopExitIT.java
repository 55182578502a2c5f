package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.simstream.config.Settings;
import io.simstream.indexer.Indexer;
import io.simstream.indexer.support.Events;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod whose stream threads keep failing is restarted only if the indexer stops by itself: its liveness
 * probe checks the admin port alone, so that an Elasticsearch outage restarts nothing.
 */
class FailureLoopExitIT {
  private static final String DATASET = "loop";

  @TempDir
  Path stateDir;

  @Test
  void threadsThatKeepFailingOnRejectedCredentialsStopTheIndexerAsFailed() throws Exception {
    HttpServer rejecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    rejecting.createContext("/", exchange -> {
      byte[] body = "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate user\"},\"status\":401}"
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    rejecting.start();
    try (LiveHarness live = new LiveHarness("loop", stateDir)) {
      live.registerDataset(DATASET);
      SimilarityRun run = live.run(DATASET, "bk", Metric.COSINE, 2, null, "flat");
      live.registerRun(run);
      live.sendEvent(Events.added(DATASET, "s1", new float[] {1, 0}));
      live.flushProducer();

      try (Indexer indexer = Indexer.start(live.config.with(Map.of(
          Settings.ES_HOSTS, "http://127.0.0.1:" + rejecting.getAddress().getPort(),
          Settings.INDEXER_FAILURE_LOOP_EXIT_MS, "1000")))) {
        // Three failures to make a loop, then the watch's next look, 15 s apart.
        assertThat(indexer.awaitStop(Duration.ofSeconds(120))).as("stopped as failed, for IndexerMain to exit 1")
            .isTrue();
      }
    } finally {
      rejecting.stop(0);
    }
  }
}
