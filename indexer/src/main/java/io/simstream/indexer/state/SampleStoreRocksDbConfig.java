package io.simstream.indexer.state;

import io.simstream.indexer.topology.IndexerTopology;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * Keeps the sample states' vectors out of RocksDB's compactions: values of half a kilobyte and more (a 512-d
 * vector alone is 2 KB) go to blob files, so a compaction rewrites keys and small blob references rather than
 * every vector again at each merge. In the ingest bench's drains the compaction thread was up to a fifth of the
 * indexer's CPU, on the CPU the broker shares. The outbox and backfill stores hold small records and keep
 * Kafka Streams' defaults.
 */
public final class SampleStoreRocksDbConfig implements RocksDBConfigSetter {
  static final long MIN_BLOB_BYTES = 512;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    if (!IndexerTopology.SAMPLES_STORE.equals(storeName)) {
      return;
    }
    options.setEnableBlobFiles(true);
    options.setMinBlobSize(MIN_BLOB_BYTES);
    // Blobs of overwritten and deleted states are reclaimed as their files age out in compactions.
    options.setEnableBlobGarbageCollection(true);
  }

  @Override
  public void close(String storeName, Options options) {
  }
}
