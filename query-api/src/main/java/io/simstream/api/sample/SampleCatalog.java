package io.simstream.api.sample;

import java.util.Collection;
import java.util.Map;

/** Current summaries of samples; samples never added, or deleted since, are left out. */
@FunctionalInterface
public interface SampleCatalog {
  /** The summaries found, keyed by sample id. */
  Map<String, SampleSummary> find(String dataset, Collection<String> sampleIds);
}
