package io.simstream.api.sample;

import io.simstream.api.dataset.DatasetService;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.error.NotFoundException;
import io.simstream.api.http.RequestIds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Looks up the image URIs and patch boxes of samples of a registered dataset. */
public final class SampleService {
  /** Ids per lookup: the page asks for one grid at a time, and the ids travel in the query string. */
  public static final int MAX_IDS = 1000;

  private final DatasetService datasets;
  private final SampleCatalog catalog;

  public SampleService(DatasetService datasets, SampleCatalog catalog) {
    this.datasets = datasets;
    this.catalog = catalog;
  }

  /** The samples found, in the order asked, and the ids not found. */
  public record Lookup(List<SampleSummary> samples, List<String> missingIds) {
  }

  public Lookup describe(String dataset, List<String> sampleIds) {
    datasets.require(dataset);
    if (sampleIds.isEmpty()) {
      throw new BadRequestException("give at least one sample id: ?id=...");
    }
    if (sampleIds.size() > MAX_IDS) {
      throw new BadRequestException("at most " + MAX_IDS + " ids per request, got " + sampleIds.size());
    }
    RequestIds.requireValid("id", sampleIds);
    LinkedHashSet<String> unique = new LinkedHashSet<>(sampleIds);
    Map<String, SampleSummary> found = catalog.find(dataset, unique);
    List<SampleSummary> samples = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String id : unique) {
      SampleSummary sample = found.get(id);
      if (sample == null) {
        missing.add(id);
      } else {
        samples.add(sample);
      }
    }
    return new Lookup(samples, missing);
  }

  /** One sample, or 404. */
  public SampleSummary require(String dataset, String sampleId) {
    Lookup lookup = describe(dataset, List.of(sampleId));
    if (lookup.samples().isEmpty()) {
      throw new NotFoundException("sample '" + sampleId + "' of dataset '" + dataset
          + "' is unknown (never produced, deleted, or past the change topic's retention)");
    }
    return lookup.samples().get(0);
  }
}
