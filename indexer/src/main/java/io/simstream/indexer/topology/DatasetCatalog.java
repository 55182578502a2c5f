package io.simstream.indexer.topology;

import java.util.Set;

/** Which datasets are registered; events of other datasets are dead-lettered. */
@FunctionalInterface
public interface DatasetCatalog {
  boolean isKnown(String dataset);

  static DatasetCatalog of(Set<String> datasets) {
    Set<String> copy = Set.copyOf(datasets);
    return copy::contains;
  }
}
