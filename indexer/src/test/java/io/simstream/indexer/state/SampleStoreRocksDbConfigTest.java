package io.simstream.indexer.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.indexer.topology.IndexerTopology;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class SampleStoreRocksDbConfigTest {
  static {
    RocksDB.loadLibrary();
  }

  @Test
  void onlyTheSamplesStoreKeepsItsStatesInBlobFiles() {
    SampleStoreRocksDbConfig setter = new SampleStoreRocksDbConfig();
    try (Options samples = new Options(); Options pending = new Options()) {
      setter.setConfig(IndexerTopology.SAMPLES_STORE, samples, Map.of());
      setter.setConfig(IndexerTopology.PENDING_STORE, pending, Map.of());

      assertThat(samples.enableBlobFiles()).isTrue();
      assertThat(samples.minBlobSize()).isEqualTo(SampleStoreRocksDbConfig.MIN_BLOB_BYTES);
      assertThat(samples.enableBlobGarbageCollection()).isTrue();
      assertThat(pending.enableBlobFiles()).isFalse();
    }
  }
}
