package io.simstream.indexer.it;

import io.simstream.config.Settings;
import io.simstream.indexer.Indexer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.servers.LocalServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elasticsearch goes away mid-stream for longer than the retry budget: the failed writes show in the
 * metrics, the stream thread is replaced when the budget is spent, and once the node is back the
 * index converges without losing a change. Consumption need not stop: changes are committed with
 * the outbox entries that still have to be written (docs/indexer.md, the invariant).
 */
class ElasticsearchOutageIT {
  private static final String DATASET = "outage";
  private static final int DIMS = 8;

  @TempDir
  Path stateDir;

  @Test
  void convergesAfterAnOutageLongerThanTheRetryBudget() throws Exception {
    LocalServers.startAll();
    try (SwitchableProxy proxy = new SwitchableProxy(LocalServers.elasticsearch().httpUrl());
         LiveHarness live = new LiveHarness("outage", stateDir)) {
      SimilarityRun run = live.run(DATASET, "cos", Metric.COSINE, DIMS, null, "flat");
      live.registerDataset(DATASET);
      live.registerRun(run);
      RandomHistory history = new RandomHistory(DATASET, 11, 1_500, 200, DIMS);
      int half = history.events.size() / 2;

      try (Indexer indexer = Indexer.start(live.config.with(Map.of(Settings.ES_HOSTS, proxy.url(),
          Settings.INDEXER_RETRY_MAX_MS, "2000")))) {
        history.events.subList(0, half).forEach(live::sendEvent);
        live.flushProducer();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> live.committedChanges() >= 100);

        proxy.down();
        long committedAtOutage = live.committedChanges();
        history.events.subList(half, history.events.size()).forEach(live::sendEvent);
        live.flushProducer();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> failedBulks(indexer) > 0);
        System.out.printf("outage: committed %d changes before and %d during the outage (of %d), %.0f failed bulks%n",
            committedAtOutage, live.committedChanges(), history.events.size(), failedBulks(indexer));

        proxy.up();
        IndexAssertions.awaitIndexEquals(live, run, history.expected, Duration.ofSeconds(120));
      }
    }
  }

  /** simstream_indexer_bulk_failures_total over its scopes, from the admin port. */
  private static double failedBulks(Indexer indexer) throws Exception {
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + indexer.adminPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines().filter(line -> line.startsWith("simstream_indexer_bulk_failures_total"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
