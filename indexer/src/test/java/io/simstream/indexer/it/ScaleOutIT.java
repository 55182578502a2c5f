package io.simstream.indexer.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.event.ChangeEvent;
import io.simstream.event.SampleUpdated;
import io.simstream.indexer.Indexer;
import io.simstream.indexer.IndexerStreamsProperties;
import io.simstream.indexer.topology.IndexerTopology;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second instance joining a running one takes its share of the tasks. Kafka Streams' assignor gives it a task
 * at once only when it is "caught up": its lag, for a new instance the end offsets of all the task's changelogs
 * summed (every record and transaction marker ever written, compacted or not), is within
 * {@code acceptable.recovery.lag}. Otherwise it restores a warm-up replica first and gets the task at a probing
 * rebalance, a minute or more later. Each case prints those lags, when the second instance had tasks and when
 * it processed its first event (after restoring them), from its start.
 */
class ScaleOutIT {
  private static final String DATASET = "scale";
  private static final int TASKS = 3;
  /** Kafka Streams' default acceptable.recovery.lag, which the small state was past. */
  private static final long KAFKA_DEFAULT_ACCEPTABLE_LAG = 10_000;
  private static final List<String> CHANGELOGGED_STORES = List.of(IndexerTopology.SAMPLES_STORE,
      IndexerTopology.PENDING_STORE, IndexerTopology.BACKFILL_STORE, IndexerTopology.OWED_STORE);

  /**
   * 120,000 a partition: the samples changelog alone (one record per event, not cached) puts a new instance past
   * the indexer's acceptable recovery lag (100,000) on every task.
   */
  private static final int LARGE_EVENTS = 360_000;

  @TempDir
  Path stateDir;

  /**
   * The case: past Kafka's default acceptable lag on every task (15,000 events a partition, so about as
   * many sample states in each samples changelog plus the outbox's puts and tombstones), yet a state restored
   * in seconds. States of a 512-d model's vectors, so the restore reads what a deployment's would.
   */
  @Test
  void aSecondInstanceWithASmallStateTakesItsShareAtTheFirstRebalance() throws Exception {
    try (LiveHarness live = new LiveHarness("scale-small", stateDir)) {
      long[] lags = scaleOut(live, "small state", 45_000, 8_000, 512);
      // The path this case is about (checked after the figure is printed): the default's warm-up on every task,
      // none with the indexer's value.
      assertThat(Arrays.stream(lags).min().getAsLong()).isGreaterThan(KAFKA_DEFAULT_ACCEPTABLE_LAG);
      assertThat(Arrays.stream(lags).max().getAsLong()).isLessThanOrEqualTo(acceptableRecoveryLag(live));
    }
  }

  /**
   * Past the acceptable lag the second instance must warm up first; it still takes its share, at a probing
   * rebalance. Small vectors: what counts is the number of changelog records.
   */
  @Test
  void aSecondInstanceWithALargeStateWarmsUpAndTakesItsShareAtAProbingRebalance() throws Exception {
    try (LiveHarness live = new LiveHarness("scale-large", stateDir)) {
      long[] lags = scaleOut(live, "large state", LARGE_EVENTS, 8_000, 4);
      assertThat(Arrays.stream(lags).min().getAsLong()).isGreaterThan(acceptableRecoveryLag(live));
    }
  }

  /** Scales out from one instance to two and prints what it measured; returns a new instance's lag per task. */
  private long[] scaleOut(LiveHarness live, String label, int events, int samples, int dims) throws Exception {
    SimilarityRun run = live.run(DATASET, "cos", Metric.COSINE, dims, null, "flat");
    live.registerDataset(DATASET);
    live.registerRun(run);
    RandomHistory history = new RandomHistory(DATASET, 11, events, samples, dims);
    history.events.forEach(live::sendEvent);
    live.flushProducer();
    Trickle trickle = new Trickle(history.expected, dims);

    long started = System.nanoTime();
    try (Indexer first = Indexer.start(instance(live, "a"))) {
      IndexAssertions.awaitIndexEquals(live, run, history.expected, Duration.ofSeconds(300));
      assertThat(first.activeTasks()).isEqualTo(TASKS);
      double firstSeconds = secondsSince(started);
      long[] lags = newInstanceLags(live);

      long joined = System.nanoTime();
      try (Indexer second = Indexer.start(instance(live, "b"))) {
        // Work for the second instance's tasks, so that the first event it processes says it has restored them.
        trickle.start(live);
        // Probing every minute; the room beyond two is for a loaded machine.
        Awaitility.await("the second instance has active tasks").atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> second.activeTasks() > 0 && first.activeTasks() + second.activeTasks() == TASKS);
        double activeSeconds = secondsSince(joined);
        int secondTasks = second.activeTasks();
        Awaitility.await("the second instance processes events").atMost(Duration.ofMinutes(4))
            .pollInterval(Duration.ofMillis(200)).until(() -> eventsIn(second) > 0);
        double processingSeconds = secondsSince(joined);
        trickle.finish(live);
        System.out.printf("scale-out (%s, %d events, %d dims): the first instance indexed them in %.1f s; a new"
                + " instance's lag per task %s (acceptable.recovery.lag %d); the second instance had %d of %d tasks"
                + " %.1f s after it started and processed its first event %.1f s after it started%n",
            label, events, dims, firstSeconds, Arrays.toString(lags), acceptableRecoveryLag(live), secondTasks,
            TASKS, activeSeconds, processingSeconds);
        IndexAssertions.awaitIndexEquals(live, run, trickle.expected, Duration.ofSeconds(120));
        return lags;
      }
    }
  }

  /**
   * What the assignor counts as a new instance's lag on each task: the end offsets of the task's changelogs,
   * summed (it has no checkpointed offsets to subtract).
   */
  private static long[] newInstanceLags(LiveHarness live) throws Exception {
    try (Admin admin = Admin.create(live.config.kafkaClientProperties().asMap())) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (String store : CHANGELOGGED_STORES) {
        for (int task = 0; task < TASKS; task++) {
          request.put(new TopicPartition(live.prefix + "-" + store + "-changelog", task), OffsetSpec.latest());
        }
      }
      Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get();
      long[] lags = new long[TASKS];
      ends.forEach((partition, end) -> lags[partition.partition()] += end.offset());
      for (String store : CHANGELOGGED_STORES) {
        System.out.printf("scale-out: %s changelog end offsets %s%n", store, Arrays.toString(java.util.stream.IntStream
            .range(0, TASKS).mapToLong(task -> ends.get(new TopicPartition(live.prefix + "-" + store + "-changelog",
                task)).offset()).toArray()));
      }
      return lags;
    }
  }

  private static long acceptableRecoveryLag(LiveHarness live) {
    return new StreamsConfig(IndexerStreamsProperties.of(live.config))
        .getLong(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG);
  }

  private static long eventsIn(Indexer indexer) throws Exception {
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + indexer.adminPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    return (long) metrics.body().lines().filter(l -> l.startsWith("simstream_indexer_events_in_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Two instances on one host: a state directory and an admin port of their own, the same application id. */
  private static SimstreamConfig instance(LiveHarness live, String name) {
    return live.config.with(Map.of(Settings.INDEXER_STATE_DIR, live.config.get(Settings.INDEXER_STATE_DIR) + "/" + name,
        Settings.INDEXER_ADMIN_PORT, "0"));
  }

  /** Updates of live samples, 25 a second while the second instance joins, then the rest at once. */
  private static final class Trickle {
    /** Enough for the pace to outlast the 4-minute waits. */
    private static final int EVENTS = 6_000;
    private final List<ChangeEvent> events = new ArrayList<>();
    private final Map<String, float[]> expected;
    private final AtomicInteger next = new AtomicInteger();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "scale-out-trickle");
      thread.setDaemon(true);
      return thread;
    });

    Trickle(Map<String, float[]> before, int dims) {
      expected = new HashMap<>(before);
      List<String> alive = new ArrayList<>(new TreeSet<>(before.keySet()));
      Random random = new Random(12);
      for (int i = 0; i < EVENTS; i++) {
        String sampleId = alive.get(random.nextInt(alive.size()));
        float[] vector = new float[dims];
        for (int d = 0; d < dims; d++) {
          vector[d] = random.nextFloat() * 2 - 1;
        }
        vector[0] += 0.01f;
        events.add(new SampleUpdated(1, DATASET, sampleId, null, Map.of(SimilarityRun.DEFAULT_EMBEDDING, vector),
            List.of(), Instant.now()));
        expected.put(sampleId, vector);
      }
    }

    void start(LiveHarness live) {
      sender.scheduleAtFixedRate(() -> {
        int i = next.getAndIncrement();
        if (i < events.size()) {
          live.sendEvent(events.get(i));
        }
      }, 0, 40, TimeUnit.MILLISECONDS);
    }

    /** Stops the pace and sends the rest, in order after those sent. */
    void finish(LiveHarness live) throws InterruptedException {
      sender.shutdown();
      assertThat(sender.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      for (int i = Math.min(next.get(), events.size()); i < events.size(); i++) {
        live.sendEvent(events.get(i));
      }
      live.flushProducer();
    }
  }
}
