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
    CompletableFuture<WriteResult> done = CompletableFuture.completedFuture(result);
    return new PendingWrite() {
      @Override
      public CompletableFuture<WriteResult> result() {
        return done;
      }

      @Override
      public void cancel() {
      }
    };
  }

  static PendingWrite failed(RuntimeException failure) {
    CompletableFuture<WriteResult> done = CompletableFuture.failedFuture(failure);
    return new PendingWrite() {
      @Override
      public CompletableFuture<WriteResult> result() {
        return done;
      }

      @Override
      public void cancel() {
      }
    };
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
