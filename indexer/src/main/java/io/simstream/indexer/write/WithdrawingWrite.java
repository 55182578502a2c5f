package io.simstream.indexer.write;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A write whose index ops Elasticsearch refused as bad input have their documents deleted, at the op's version,
 * before the result completes: a refused new vector must not leave the sample's previous one searchable. The
 * result is the first write's; the deletes' own outcome is not reported.
 */
public final class WithdrawingWrite implements PendingWrite {
  private final VectorIndexWriter writer;
  private final CompletableFuture<WriteResult> result = new CompletableFuture<>();
  /** The write now open, the ops' or the deletes'; guarded by this. */
  private PendingWrite open;

  private WithdrawingWrite(VectorIndexWriter writer) {
    this.writer = writer;
  }

  public static PendingWrite submit(VectorIndexWriter writer, List<WriteOp> ops) {
    if (ops.isEmpty()) {
      return PendingWrite.completed(new WriteResult(0, 0, List.of()));
    }
    WithdrawingWrite write = new WithdrawingWrite(writer);
    PendingWrite first = writer.submit(ops);
    synchronized (write) {
      write.open = first;
    }
    first.result().whenComplete(write::written);
    return write;
  }

  private void written(WriteResult written, Throwable error) {
    if (error != null) {
      result.completeExceptionally(error);
      return;
    }
    List<WriteOp> withdraw = written.rejected().stream().map(WriteResult.Rejection::op)
        .filter(op -> op.action() == WriteOp.Action.INDEX).map(WriteOp::withdrawn).toList();
    if (withdraw.isEmpty()) {
      result.complete(written);
      return;
    }
    PendingWrite deletes;
    synchronized (this) {
      if (result.isDone()) {
        return; // cancelled meanwhile
      }
      deletes = writer.submit(withdraw);
      open = deletes;
    }
    deletes.result().whenComplete((ignored, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(written);
      }
    });
  }

  @Override
  public CompletableFuture<WriteResult> result() {
    return result;
  }

  @Override
  public void cancel() {
    PendingWrite toCancel;
    synchronized (this) {
      toCancel = open;
      result.completeExceptionally(new CancellationException("write cancelled"));
    }
    toCancel.cancel();
  }
}
