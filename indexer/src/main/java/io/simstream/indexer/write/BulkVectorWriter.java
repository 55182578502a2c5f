package io.simstream.indexer.write;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.json.Json;
import io.simstream.run.SimilarityRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes ops with the bulk API: deduplicated by document, split by action count and bytes, at most
 * {@code maxInFlight} requests at once, externally versioned. The NDJSON is written by hand from the
 * float arrays (no object mapping, no boxing): Elasticsearch is CPU-bound on the same cores.
 * Retries 429/5xx items and failed requests with backoff until the retry budget is spent; the caller
 * (the stream thread) blocks meanwhile, which pauses consumption: backpressure without buffering.
 */
public final class BulkVectorWriter implements VectorIndexWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BulkVectorWriter.class);
  private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);
  /** Only what the result handling reads, to keep responses small. */
  private static final String FILTER_PATH = "errors,items.*.status,items.*.error.type,items.*.error.reason";
  private static final int CONFLICT = 409;
  private static final int NOT_FOUND = 404;
  private static final int TOO_MANY_REQUESTS = 429;

  /** Limits of one flush's requests. */
  public record Limits(int maxActions, int maxBytes, int maxInFlight, Duration retryBudget) {
  }

  private final ElasticsearchClient es;
  private final RestClient rest;
  private final Limits limits;
  private final IndexerMetrics metrics;
  private final Set<String> knownIndexes = ConcurrentHashMap.newKeySet();

  public BulkVectorWriter(ElasticsearchClient es, Limits limits, IndexerMetrics metrics) {
    this.es = es;
    this.rest = ElasticsearchClients.restClient(es);
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public void ensureIndex(SimilarityRun run) {
    if (knownIndexes.contains(run.indexName())) {
      return;
    }
    Backoff backoff = new Backoff(limits.retryBudget());
    while (true) {
      try {
        if (!IndexMapping.exists(es, run.indexName())) {
          IndexMapping.create(es, run.indexName(), new VectorFieldSpec(run.metric(), run.dims(), run.indexOptions()));
          LOG.info("Created index {} for run {} of dataset {}", run.indexName(), run.brainKey(), run.dataset());
        }
        knownIndexes.add(run.indexName());
        return;
      } catch (ElasticsearchException e) {
        if ("resource_already_exists_exception".equals(e.error().type())) {
          knownIndexes.add(run.indexName());
          return;
        }
        if (e.status() < 500 && e.status() != TOO_MANY_REQUESTS) {
          throw new IndexWriteException("cannot create index " + run.indexName() + ": " + e.getMessage(), e);
        }
        retryOrFail(backoff, "create index " + run.indexName(), e);
      } catch (IOException | RuntimeException e) {
        retryOrFail(backoff, "create index " + run.indexName(), e);
      }
    }
  }

  @Override
  public WriteResult write(List<WriteOp> ops) {
    List<WriteOp> todo = dedupe(ops);
    int applied = 0;
    int conflicts = 0;
    List<WriteResult.Rejection> rejected = new ArrayList<>();
    Backoff backoff = new Backoff(limits.retryBudget());
    while (!todo.isEmpty()) {
      List<CompletableFuture<ChunkOutcome>> sent = new ArrayList<>();
      Semaphore inFlight = new Semaphore(limits.maxInFlight());
      for (List<WriteOp> chunk : chunks(todo)) {
        inFlight.acquireUninterruptibly();
        CompletableFuture<ChunkOutcome> outcome = send(chunk);
        outcome.whenComplete((o, e) -> inFlight.release());
        sent.add(outcome);
      }
      List<WriteOp> retry = new ArrayList<>();
      Exception lastError = null;
      for (CompletableFuture<ChunkOutcome> future : sent) {
        ChunkOutcome outcome = await(future);
        applied += outcome.applied;
        conflicts += outcome.conflicts;
        rejected.addAll(outcome.rejected);
        retry.addAll(outcome.retry);
        if (outcome.error != null) {
          lastError = outcome.error;
        }
      }
      todo = retry;
      if (!todo.isEmpty()) {
        metrics.bulkRetried(todo.size());
        retryOrFail(backoff, todo.size() + " writes", lastError);
      }
    }
    metrics.versionConflicts(conflicts);
    return new WriteResult(applied, conflicts, rejected);
  }

  private static ChunkOutcome await(CompletableFuture<ChunkOutcome> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof IndexWriteException refused ? refused : e;
    }
  }

  private void retryOrFail(Backoff backoff, String what, Exception cause) {
    LOG.warn("Elasticsearch did not take {}, retrying: {}", what, cause == null ? "retryable item errors" : cause.toString());
    if (!backoff.pause()) {
      throw new IndexWriteException("Elasticsearch did not take " + what + " within " + limits.retryBudget(), cause);
    }
  }

  /** The last op per document wins: earlier ones would be overwritten anyway. */
  private static List<WriteOp> dedupe(List<WriteOp> ops) {
    Map<String, WriteOp> byDocument = new LinkedHashMap<>(ops.size() * 2);
    for (WriteOp op : ops) {
      byDocument.merge(op.index() + '\n' + op.id(), op, (old, now) -> now.version() >= old.version() ? now : old);
    }
    return byDocument.size() == ops.size() ? ops : new ArrayList<>(byDocument.values());
  }

  /** Splits by action count and by bytes (estimated from the vector sizes, ~12 bytes per float). */
  private List<List<WriteOp>> chunks(List<WriteOp> ops) {
    List<List<WriteOp>> chunks = new ArrayList<>();
    List<WriteOp> current = new ArrayList<>();
    long bytes = 0;
    for (WriteOp op : ops) {
      long size = 160 + op.id().length() * 2L + (op.vector() == null ? 0 : op.vector().length * 12L);
      if (!current.isEmpty() && (current.size() >= limits.maxActions() || bytes + size > limits.maxBytes())) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(op);
      bytes += size;
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  private CompletableFuture<ChunkOutcome> send(List<WriteOp> chunk) {
    Request request = new Request("POST", "/_bulk");
    request.addParameter("filter_path", FILTER_PATH);
    request.setEntity(new ByteArrayEntity(BulkBody.encode(chunk), NDJSON));
    CompletableFuture<ChunkOutcome> outcome = new CompletableFuture<>();
    long start = System.nanoTime();
    rest.performRequestAsync(request, new ResponseListener() {
      @Override
      public void onSuccess(Response response) {
        metrics.bulkLatency(System.nanoTime() - start);
        try {
          outcome.complete(ChunkOutcome.of(chunk, Json.MAPPER.readTree(EntityUtils.toByteArray(response.getEntity()))));
        } catch (IOException | RuntimeException e) {
          outcome.complete(ChunkOutcome.failed(chunk, e));
        }
      }

      @Override
      public void onFailure(Exception e) {
        metrics.bulkFailed("request");
        if (e instanceof ResponseException re) {
          int status = re.getResponse().getStatusLine().getStatusCode();
          if (status != TOO_MANY_REQUESTS && status < 500) {
            outcome.completeExceptionally(new IndexWriteException("bulk request refused: " + e.getMessage(), e));
            return;
          }
        }
        outcome.complete(ChunkOutcome.failed(chunk, e));
      }
    });
    return outcome;
  }

  /** What came back for one bulk request. */
  private static final class ChunkOutcome {
    int applied;
    int conflicts;
    final List<WriteResult.Rejection> rejected = new ArrayList<>();
    final List<WriteOp> retry = new ArrayList<>();
    Exception error;

    static ChunkOutcome failed(List<WriteOp> chunk, Exception error) {
      ChunkOutcome outcome = new ChunkOutcome();
      outcome.retry.addAll(chunk);
      outcome.error = error;
      return outcome;
    }

    static ChunkOutcome of(List<WriteOp> chunk, JsonNode body) {
      ChunkOutcome outcome = new ChunkOutcome();
      if (!body.path("errors").asBoolean(false)) {
        outcome.applied = chunk.size();
        return outcome;
      }
      JsonNode items = body.path("items");
      for (int i = 0; i < chunk.size(); i++) {
        WriteOp op = chunk.get(i);
        JsonNode item = items.get(i).elements().next();
        int status = item.path("status").asInt();
        if (status < 300 || (status == NOT_FOUND && op.action() == WriteOp.Action.DELETE)) {
          outcome.applied++;
        } else if (status == CONFLICT) {
          outcome.conflicts++;
        } else if (status == TOO_MANY_REQUESTS || status >= 500) {
          outcome.retry.add(op);
        } else {
          JsonNode error = item.path("error");
          outcome.rejected.add(new WriteResult.Rejection(op,
              error.path("type").asText("status " + status) + ": " + error.path("reason").asText("")));
        }
      }
      return outcome;
    }
  }

  /** Hand-written NDJSON of a bulk request. */
  static final class BulkBody {
    private static final JsonStringEncoder QUOTER = JsonStringEncoder.getInstance();

    private BulkBody() {
    }

    static byte[] encode(List<WriteOp> ops) {
      StringBuilder out = new StringBuilder(ops.size() * 256);
      for (WriteOp op : ops) {
        out.append("{\"").append(op.action() == WriteOp.Action.INDEX ? "index" : "delete").append("\":{\"_index\":");
        quote(out, op.index()).append(",\"_id\":");
        quote(out, op.id()).append(",\"version\":").append(op.version())
            .append(",\"version_type\":\"external\"}}\n");
        if (op.action() == WriteOp.Action.INDEX) {
          out.append("{\"").append(IndexMapping.SAMPLE_ID).append("\":");
          quote(out, op.sampleId());
          if (op.labelId() != null) {
            out.append(",\"").append(IndexMapping.LABEL_ID).append("\":");
            quote(out, op.labelId());
          }
          out.append(",\"").append(IndexMapping.VECTOR).append("\":[");
          float[] vector = op.vector();
          for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
              out.append(',');
            }
            out.append(vector[i]);
          }
          out.append("]}\n");
        }
      }
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder quote(StringBuilder out, String value) {
      out.append('"');
      QUOTER.quoteAsString(value, out);
      return out.append('"');
    }
  }
}
