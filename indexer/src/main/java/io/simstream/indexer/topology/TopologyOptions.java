package io.simstream.indexer.topology;

import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import java.time.Duration;

/**
 * Batching and pipelining of the topology.
 *
 * @param batchSize        pending samples that trigger a flush
 * @param maxWait          longest time a pending sample waits for its flush (wall clock)
 * @param embedBatchSize   images a backfill chunk embeds at most, on the stream thread (one model batch)
 * @param backfillChunk    samples read from the store per backfill step
 * @param maxInFlight      batches being embedded or written at once per task
 * @param maxInFlightBytes estimated bulk bytes in flight per task
 */
public record TopologyOptions(int batchSize, Duration maxWait, int embedBatchSize, int backfillChunk,
                              int maxInFlight, long maxInFlightBytes) {
  public static TopologyOptions from(SimstreamConfig config) {
    return new TopologyOptions(config.get(Settings.INDEXER_BATCH_SIZE),
        Duration.ofMillis(config.get(Settings.INDEXER_BATCH_MAX_WAIT_MS)),
        config.get(Settings.INDEXER_EMBED_BATCH_SIZE), config.get(Settings.INDEXER_BACKFILL_CHUNK),
        config.get(Settings.INDEXER_BULK_MAX_IN_FLIGHT), config.get(Settings.INDEXER_IN_FLIGHT_MAX_BYTES));
  }
}
