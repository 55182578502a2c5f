package io.simstream.indexer.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.ElasticsearchFailures;
import io.simstream.indexer.metrics.IndexerMetrics;
import io.simstream.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Cancellable;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.ResponseListener;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link VectorIndexWriter#submit} in progress: sends its chunks at once, collects the item
 * outcomes, and retries what is retryable after a jittered backoff, all off the caller's thread.
 * Responses arrive on the HTTP client's I/O threads and are handed to {@code scheduler}, where the
 * next round (which may create a missing index, a blocking call) is decided.
 */
final class BulkSubmission implements PendingWrite {
  private static final Logger LOG = LoggerFactory.getLogger(BulkSubmission.class);

  private final RestClient rest;
  private final ChunkPlanner chunks;
  private final IndexerMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private final Function<Set<String>, Recreation> recreateIndexes;
  /** Ops never sent again: their run was deleted with its index meanwhile ({@link VectorIndexWriter#retire}). */
  private final Predicate<WriteOp> dropped;
  private final CompletableFuture<WriteResult> result = new CompletableFuture<>();
  private final List<Cancellable> open = new ArrayList<>();
  private int applied;
  private int conflicts;
  private final List<WriteResult.Rejection> rejected = new ArrayList<>();

  BulkSubmission(RestClient rest, ChunkPlanner chunks, IndexerMetrics metrics, ScheduledExecutorService scheduler,
                 Backoff backoff, Function<Set<String>, Recreation> recreateIndexes, Predicate<WriteOp> dropped) {
    this.rest = rest;
    this.chunks = chunks;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.recreateIndexes = recreateIndexes;
    this.dropped = dropped;
  }

  /**
   * What one try to create missing indexes again left: those still missing, how long to wait for them, and the
   * last refusal met (null if none), which only an operator can lift.
   */
  record Recreation(Set<String> stillMissing, long waitMs, String refusal) {
  }

  @Override
  public CompletableFuture<WriteResult> result() {
    return result;
  }

  @Override
  public void cancel() {
    List<Cancellable> requests;
    synchronized (this) {
      requests = List.copyOf(open);
      open.clear();
    }
    requests.forEach(Cancellable::cancel);
    result.completeExceptionally(new CancellationException("write cancelled"));
  }

  /** Sends the first round from the scheduler: encoding the bodies is the costliest step, kept off the caller's thread. */
  void start(List<WriteOp> todo) {
    scheduler.execute(guarded(() -> send(todo)));
  }

  /**
   * A step run on the scheduler, which keeps whatever a task throws in a future nobody reads: any
   * failure, an Error too, must end the write, or its caller waits for it for good.
   */
  private Runnable guarded(Runnable step) {
    return () -> {
      try {
        step.run();
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    };
  }

  /** Sends one round: every op still to do, split into chunks sent concurrently. */
  private void send(List<WriteOp> todo) {
    if (result.isDone()) {
      return;
    }
    List<List<WriteOp>> split = chunks.split(todo);
    Round round = new Round(split.size());
    for (List<WriteOp> chunk : split) {
      Request request = chunks.encoding().bulkRequest(BulkBody.encode(chunk, chunks.encoding()));
      request.addParameter("filter_path", BulkVectorEncoding.ITEM_OUTCOMES_FILTER_PATH);
      long start = System.nanoTime();
      metrics.bulkSent();
      Cancellable cancellable = rest.performRequestAsync(request, new ResponseListener() {
        @Override
        public void onSuccess(Response response) {
          metrics.bulkAnswered();
          metrics.bulkLatency(System.nanoTime() - start);
          try {
            round.done(chunk, Json.MAPPER.readTree(EntityUtils.toByteArray(response.getEntity())), null);
          } catch (IOException | RuntimeException e) {
            round.done(chunk, null, e);
          }
        }

        @Override
        public void onFailure(Exception e) {
          metrics.bulkAnswered();
          metrics.bulkFailed(IndexerMetrics.REQUEST_FAILED);
          round.done(chunk, null, e);
        }
      });
      synchronized (this) {
        open.add(cancellable);
      }
    }
  }

  private void complete() {
    metrics.versionConflicts(conflicts);
    result.complete(new WriteResult(applied, conflicts, List.copyOf(rejected)));
  }

  /** The chunks of one round; the last one to answer decides what happens next. */
  private final class Round {
    private final AtomicInteger remaining;
    private final List<WriteOp> retry = new ArrayList<>();
    /** Ops of chunks refused as too large, to send again without a backoff. */
    private final List<WriteOp> resendNow = new ArrayList<>();
    private final Set<String> missingIndexes = new HashSet<>();
    private Exception lastError;
    /** The last retryable item error, "index: type: reason", for the log and the failure once the budget is spent. */
    private String lastItemError;
    private IndexWriteException refused;
    private int indexed;
    private int deleted;

    Round(int chunks) {
      remaining = new AtomicInteger(chunks);
    }

    void done(List<WriteOp> chunk, JsonNode body, Exception error) {
      synchronized (this) {
        if (body != null) {
          collect(chunk, body);
        } else if (error instanceof ResponseException re && BulkVectorWriter.tooLarge(re)) {
          tooLarge(chunk, re);
        } else if (error instanceof ResponseException re && !BulkVectorWriter.retryable(re)) {
          refused = new IndexWriteException(IndexWriteException.Reason.REQUEST_REFUSED,
              "bulk request refused: " + ElasticsearchFailures.describe(re), re);
        } else {
          retry.addAll(chunk);
          lastError = error;
        }
      }
      if (remaining.decrementAndGet() == 0) {
        scheduler.execute(guarded(this::next));
      }
    }

    private void collect(List<WriteOp> chunk, JsonNode body) {
      if (!body.path("errors").asBoolean(false)) {
        applied += chunk.size();
        chunk.forEach(this::written);
        return;
      }
      JsonNode items = body.path("items");
      for (int i = 0; i < chunk.size(); i++) {
        WriteOp op = chunk.get(i);
        JsonNode item = items.get(i).elements().next();
        JsonNode error = item.path("error");
        switch (BulkItemOutcome.of(op, item.path("status").asInt(), error.path("type").asText(null))) {
          case APPLIED -> {
            applied++;
            written(op);
          }
          case CONFLICT -> conflicts++;
          case INDEX_MISSING -> {
            missingIndexes.add(op.index());
            retry.add(op);
          }
          case RETRY -> {
            retry.add(op);
            lastItemError = op.index() + ": " + itemError(item);
          }
          case REJECTED -> rejected.add(new WriteResult.Rejection(op, itemError(item)));
        }
      }
    }

    /**
     * A 413: the chunk's ops are sent again at once in smaller chunks; an op refused on its own can
     * never be written there and is rejected like bad input (dead-lettered, its old document withdrawn).
     */
    private void tooLarge(List<WriteOp> chunk, ResponseException e) {
      long refused = chunk.stream().mapToLong(chunks::estimatedBytes).sum();
      if (chunk.size() == 1) {
        rejected.add(new WriteResult.Rejection(chunk.get(0), "request_too_large: Elasticsearch refused a bulk"
            + " request holding only this document (about " + refused + " bytes): "
            + ElasticsearchFailures.describe(e)));
        return;
      }
      long limit = chunks.shrinkBelow(refused);
      LOG.warn("Elasticsearch refused a bulk request of about {} bytes as too large (413); bulk requests now"
          + " take at most {} bytes (lower indexer.bulk.max-bytes or raise the cluster's limit)", refused, limit);
      resendNow.addAll(chunk);
    }

    private void written(WriteOp op) {
      if (op.action() == WriteOp.Action.INDEX) {
        indexed++;
      } else {
        deleted++;
      }
    }

    private synchronized void next() {
      synchronized (BulkSubmission.this) {
        open.clear();
      }
      metrics.documentsWritten(IndexerMetrics.INDEX, indexed);
      metrics.documentsWritten(IndexerMetrics.DELETE, deleted);
      if (result.isDone()) {
        return;
      }
      if (refused != null) {
        result.completeExceptionally(refused);
        return;
      }
      retry.removeIf(dropped);
      resendNow.removeIf(dropped);
      if (!resendNow.isEmpty()) {
        List<WriteOp> again = new ArrayList<>(resendNow);
        again.addAll(retry); // one early resend of retryable ops is harmless; the round after backs off again
        send(again);
        return;
      }
      if (retry.isEmpty()) {
        complete();
        return;
      }
      metrics.bulkRetried(retry.size());
      OptionalLong delay = backoff.next();
      if (delay.isEmpty()) {
        result.completeExceptionally(new IndexWriteException(IndexWriteException.Reason.RETRIES_EXHAUSTED,
            "Elasticsearch did not take " + retry.size() + " writes within the retry budget: " + cause(), lastError));
        return;
      }
      LOG.warn("Elasticsearch did not take {} writes, retrying in {} ms: {}", retry.size(), delay.getAsLong(), cause());
      resend(List.copyOf(retry), Set.copyOf(missingIndexes), delay.getAsLong());
    }

    /** An item's error as "type: reason" (its status when Elasticsearch gave no type). */
    private static String itemError(JsonNode item) {
      JsonNode error = item.path("error");
      return error.path("type").asText("status " + item.path("status").asInt()) + ": " + error.path("reason").asText("");
    }

    /** What this round's retries met, most telling first. */
    private String cause() {
      if (lastError != null) {
        return ElasticsearchFailures.describe(lastError);
      }
      return lastItemError != null ? "item errors, the last " + lastItemError : "indexes missing " + missingIndexes;
    }

    /** Sends {@code again} after {@code delayMs}, once the missing indexes are created again. */
    private void resend(List<WriteOp> ops, Set<String> recreate, long delayMs) {
      scheduler.schedule(guarded(() -> {
        if (result.isDone()) {
          return; // cancelled: its task is closed, and the index may be gone on purpose (run deleted, cleanup)
        }
        List<WriteOp> again = ops.stream().filter(op -> !dropped.test(op)).toList();
        if (again.isEmpty()) {
          complete();
          return;
        }
        Recreation recreation = recreate.isEmpty() ? new Recreation(Set.of(), 0, null)
            : recreateIndexes.apply(recreate);
        if (recreation.stillMissing().isEmpty()) {
          send(again);
        } else if (recreation.refusal() != null && backoff.remainingMs() == 0) {
          result.completeExceptionally(new IndexWriteException(IndexWriteException.Reason.RETRIES_EXHAUSTED,
              "Elasticsearch did not take " + again.size() + " writes within the retry budget: indexes "
                  + recreation.stillMissing() + " are missing and " + recreation.refusal(), null));
        } else {
          // Only those: one created meanwhile is known again, and taking it for gone once more would re-read it.
          resend(again, recreation.stillMissing(), recreation.refusal() == null ? recreation.waitMs()
              : Math.max(1, Math.min(recreation.waitMs(), backoff.remainingMs())));
        }
      }), delayMs, TimeUnit.MILLISECONDS);
    }
  }
}
