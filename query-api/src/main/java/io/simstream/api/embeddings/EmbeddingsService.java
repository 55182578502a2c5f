package io.simstream.api.embeddings;

import io.simstream.api.elasticsearch.ElasticsearchGateway;
import io.simstream.api.elasticsearch.ElasticsearchStatusException;
import io.simstream.api.elasticsearch.IdFilters;
import io.simstream.api.elasticsearch.IndexDocument;
import io.simstream.api.elasticsearch.IndexScanner;
import io.simstream.api.elasticsearch.VectorLookup;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.error.NotFoundException;
import io.simstream.api.run.RunService;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.run.SimilarityRun;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Get embeddings: the stored vectors of given sample or label ids, or every vector of an index in
 * pages (point in time + search_after, so past the 10,000-document window that breaks the
 * reference's from/size listing).
 */
public final class EmbeddingsService {
  public static final int DEFAULT_PAGE_SIZE = 1000;
  public static final int MAX_PAGE_SIZE = 10_000;
  private static final int SCAN_PAGE_SIZE = 2000;

  private final RunService runs;
  private final VectorLookup lookup;
  private final IndexScanner scanner;
  private final Clock clock;

  public EmbeddingsService(RunService runs, ElasticsearchGateway es, Clock clock) {
    this.runs = runs;
    this.clock = clock;
    this.lookup = new VectorLookup(es);
    this.scanner = new IndexScanner(es);
  }

  public EmbeddingsPage get(String dataset, String brainKey, EmbeddingsRequest request) {
    SimilarityRun run = runs.require(dataset, brainKey);
    if (request.sampleIds() != null && request.labelIds() != null) {
      throw new BadRequestException("give sampleIds or labelIds, not both");
    }
    boolean byIds = request.sampleIds() != null || request.labelIds() != null;
    if (byIds && (request.pageSize() != null || request.pageToken() != null || request.singlePage() != null)) {
      throw new BadRequestException("pageSize, pageToken and singlePage page through the whole index; sampleIds and"
          + " labelIds are answered in one response");
    }
    if (request.onlyFirstPage() && request.pageToken() != null) {
      throw new BadRequestException("singlePage asks for the first page alone: it takes no pageToken");
    }
    try {
      if (request.sampleIds() != null) {
        return bySampleIds(run, nonEmpty(request.sampleIds(), "sampleIds"));
      }
      if (request.labelIds() != null) {
        if (!run.indexesPatches()) {
          throw new BadRequestException("labelIds applies to patch runs only; run '" + run.key()
              + "' indexes whole samples");
        }
        return byDocumentIds(run, nonEmpty(request.labelIds(), "labelIds"));
      }
      return page(run, request);
    } catch (ElasticsearchStatusException e) {
      if (e.elasticsearchStatus() == 404) {
        throw new NotFoundException("index '" + run.indexName() + "' of run '" + run.key() + "' does not exist");
      }
      throw e;
    }
  }

  /** Whole-sample runs key documents by sample id; patch runs hold every patch of each sample. */
  private EmbeddingsPage bySampleIds(SimilarityRun run, List<String> sampleIds) {
    if (!run.indexesPatches()) {
      return byDocumentIds(run, sampleIds);
    }
    List<Embedding> embeddings = new ArrayList<>();
    Set<String> missing = new LinkedHashSet<>(sampleIds);
    scanner.scan(run.indexName(), IdFilters.anyOf(IndexMapping.SAMPLE_ID, sampleIds), SCAN_PAGE_SIZE, doc -> {
      embeddings.add(embedding(doc));
      missing.remove(doc.sampleId());
    });
    return new EmbeddingsPage(embeddings, List.copyOf(missing), null);
  }

  private EmbeddingsPage byDocumentIds(SimilarityRun run, List<String> ids) {
    Collection<IndexDocument> found = lookup.byIds(run, ids).values();
    Set<String> missing = new LinkedHashSet<>(ids);
    List<Embedding> embeddings = new ArrayList<>(found.size());
    for (IndexDocument doc : found) {
      embeddings.add(embedding(doc));
      missing.remove(doc.id());
    }
    return new EmbeddingsPage(embeddings, List.copyOf(missing), null);
  }

  /**
   * A page of the whole index. The page size may change from one page to the next: a token marks
   * the last document sent, not a page number. Elasticsearch refusing a client's point in time (one
   * it no longer has, or a forged one) is the client's problem, so a 400; a deleted index stays 404.
   */
  private EmbeddingsPage page(SimilarityRun run, EmbeddingsRequest request) {
    int size = request.pageSize() == null ? DEFAULT_PAGE_SIZE : request.pageSize();
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw new BadRequestException("pageSize must be in 1.." + MAX_PAGE_SIZE + ", got " + size);
    }
    IndexScanner.Page page;
    if (request.pageToken() == null) {
      // A point in time outlives its last use by the keep-alive: close it when no token will follow.
      String pitId = scanner.open(run.indexName());
      try {
        page = scanner.pageOfOwnPit(pitId, null, size, null);
      } catch (RuntimeException e) {
        scanner.close(pitId);
        throw e;
      }
      if (request.onlyFirstPage() || page.searchAfter() == null) {
        scanner.close(page.pitId());
        return new EmbeddingsPage(page.documents().stream().map(EmbeddingsService::embedding).toList(), null, null);
      }
    } else {
      // Not closed after the last page: a client that lost that answer repeats its token, which must
      // work while the token lasts (the point in time, kept alive by this page, outlives it).
      PageToken token = PageToken.decode(request.pageToken(), run.indexName(), clock.instant());
      try {
        page = scanner.page(token.pitId(), null, size, token.searchAfter());
      } catch (ElasticsearchStatusException e) {
        if (e.errorType().equals("search_context_missing_exception")) {
          throw PageToken.expired();
        }
        if (e.elasticsearchStatus() >= 400 && e.elasticsearchStatus() < 500 && e.elasticsearchStatus() != 404) {
          throw PageToken.notIssued();
        }
        throw e;
      }
    }
    List<Embedding> embeddings = page.documents().stream().map(EmbeddingsService::embedding).toList();
    String next = page.searchAfter() == null ? null
        : PageToken.issue(run.indexName(), page.pitId(), page.searchAfter(), clock.instant()).encode();
    return new EmbeddingsPage(embeddings, null, next);
  }

  private static Embedding embedding(IndexDocument doc) {
    return new Embedding(doc.id(), doc.sampleId(), doc.labelId(), doc.vector());
  }

  private static List<String> nonEmpty(List<String> ids, String field) {
    if (ids.isEmpty()) {
      throw new BadRequestException(field + " is empty");
    }
    return ids;
  }
}
