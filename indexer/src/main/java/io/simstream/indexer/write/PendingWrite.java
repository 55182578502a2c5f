package io.simstream.indexer.write;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Writes handed to a {@link VectorIndexWriter} and not finished yet. The result completes once every
 * op was applied, found a newer version or was rejected as bad input; it completes exceptionally with
 * {@link IndexWriteException} when Elasticsearch stayed unavailable past the retry budget.
 */
public interface PendingWrite {
  CompletableFuture<WriteResult> result();

  /** Stops retrying and aborts requests still open; the result then completes with a cancellation. */
  void cancel();

  static PendingWrite completed(WriteResult result) {
    return new Finished(CompletableFuture.completedFuture(result));
  }

  static PendingWrite failed(RuntimeException failure) {
    return new Finished(CompletableFuture.failedFuture(failure));
  }

  /** A write that finished before it was handed back: nothing to cancel. */
  record Finished(CompletableFuture<WriteResult> result) implements PendingWrite {
    @Override
    public void cancel() {
    }
  }

  /** Waits for the result; the writer's own failure is rethrown as it is. */
  default WriteResult join() {
    try {
      return result().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause && !(cause instanceof CancellationException)) {
        throw cause;
      }
      throw e;
    }
  }
}
