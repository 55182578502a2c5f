package io.simstream.indexer;

import io.simstream.config.SimstreamConfig;
import java.util.Properties;

/** The indexer's Kafka Streams properties for tests outside this package (ITs print and check them). */
public final class IndexerStreamsProperties {
  private IndexerStreamsProperties() {
  }

  public static Properties of(SimstreamConfig config) {
    return IndexerStreamsConfig.from(config);
  }
}
