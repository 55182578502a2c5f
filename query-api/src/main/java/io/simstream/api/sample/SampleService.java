package io.simstream.api.sample;

import io.simstream.api.elasticsearch.DocumentSummary;
import io.simstream.api.elasticsearch.SummaryLookup;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.error.NotFoundException;
import io.simstream.api.http.RequestIds;
import io.simstream.api.run.RunService;
import io.simstream.run.SimilarityRun;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Looks up the image URIs and patch boxes of a run's documents in the run's own index, where the
 * indexer writes them beside the vectors: the API keeps no copy of its own.
 */
public final class SampleService {
  /** Ids per lookup: the page asks for one grid at a time, and the ids travel in the query string. */
  public static final int MAX_IDS = 1000;

  private final RunService runs;
  private final SummaryLookup summaries;

  public SampleService(RunService runs, SummaryLookup summaries) {
    this.runs = runs;
    this.summaries = summaries;
  }

  /** The documents found, in the order asked, and the ids not found. */
  public record Lookup(List<DocumentSummary> documents, List<String> missingIds) {
  }

  /** {@code ids}: sample ids, or label ids on a patch run, as the run's hits name them. */
  public Lookup describe(String dataset, String brainKey, List<String> ids) {
    SimilarityRun run = runs.require(dataset, brainKey);
    if (ids.isEmpty()) {
      throw new BadRequestException("give at least one id: ?id=...");
    }
    if (ids.size() > MAX_IDS) {
      throw new BadRequestException("at most " + MAX_IDS + " ids per request, got " + ids.size());
    }
    RequestIds.requireValid("id", ids);
    LinkedHashSet<String> unique = new LinkedHashSet<>(ids);
    Map<String, DocumentSummary> found = summaries.byIds(run, unique);
    List<DocumentSummary> documents = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String id : unique) {
      DocumentSummary document = found.get(id);
      if (document == null) {
        missing.add(id);
      } else {
        documents.add(document);
      }
    }
    return new Lookup(documents, missing);
  }

  /** One document, or 404. */
  public DocumentSummary require(String dataset, String brainKey, String id) {
    Lookup lookup = describe(dataset, brainKey, List.of(id));
    if (lookup.documents().isEmpty()) {
      throw new NotFoundException("run '" + brainKey + "' of dataset '" + dataset + "' has no document '" + id
          + "' (never indexed, deleted, or not searchable yet)");
    }
    return lookup.documents().get(0);
  }
}
