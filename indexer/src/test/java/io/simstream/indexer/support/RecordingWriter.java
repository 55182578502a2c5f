package io.simstream.indexer.support;

import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.indexer.write.DocumentSummary;
import io.simstream.indexer.write.IndexWriteException;
import io.simstream.indexer.write.PendingWrite;
import io.simstream.indexer.write.VectorIndexWriter;
import io.simstream.indexer.write.WriteOp;
import io.simstream.indexer.write.WriteResult;
import io.simstream.run.SimilarityRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory index with Elasticsearch's external-versioning rule (a write needs a higher version
 * than the one stored, or an equal one with external_gte; deletes leave their version behind), recording every
 * batch it was given.
 */
public final class RecordingWriter implements VectorIndexWriter {
  public record Doc(String sampleId, String labelId, float[] vector, long version, DocumentSummary summary) {
  }

  private final Map<String, Map<String, Doc>> indexes = new HashMap<>();
  private final Map<String, Long> tombstones = new HashMap<>();
  private final List<List<WriteOp>> batches = new ArrayList<>();
  private final List<String> ensured = new ArrayList<>();
  private final Map<String, Integer> generation = new HashMap<>();
  private final List<Runnable> held = new ArrayList<>();
  private final java.util.Set<String> refused = new java.util.HashSet<>();
  private final java.util.Set<String> unreachable = new java.util.HashSet<>();
  private final java.util.Set<String> unreadable = new java.util.HashSet<>();
  private final List<String> retired = new ArrayList<>();
  private final List<String> claimed = new ArrayList<>();
  private boolean holding;
  private Float rejectedFirst;
  private int conflicts;
  private RuntimeException failure;

  /** The next writes throw this until {@link #recover()}. */
  public void failWith(RuntimeException e) {
    failure = e;
  }

  public void recover() {
    failure = null;
  }

  /** Creating this index is refused (as Elasticsearch does without the privilege) until {@link #allow}. */
  public void refuse(String index) {
    refused.add(index);
  }

  /**
   * Elasticsearch refuses to show this index (a 403 on it), as to a writer that does not know it yet (one restarted
   * meanwhile), until {@link #allow}.
   */
  public void unreadable(String index) {
    unreadable.add(index);
  }

  public void allow(String index) {
    refused.remove(index);
    unreadable.remove(index);
  }

  /** This index is new and Elasticsearch cannot be asked about it (an outage) until {@link #reachable}. */
  public void unreachable(String index) {
    unreachable.add(index);
  }

  public void reachable(String index) {
    unreachable.remove(index);
  }

  @Override
  public void retire(SimilarityRun run, long deletedAtMs) {
    retired.add(run.id());
  }

  @Override
  public void claim(SimilarityRun run) {
    claimed.add(run.id());
  }

  /** Ids of the runs {@link #claim}ed, in order. */
  public List<String> claimed() {
    return claimed;
  }

  /** Ids of the runs {@link #retire}d, in order. */
  public List<String> retired() {
    return retired;
  }

  @Override
  public String ensureIndex(SimilarityRun run) {
    if (refused.contains(run.indexName())) {
      throw new IndexWriteException(IndexWriteException.Reason.INDEX_REFUSED, "403 creating " + run.indexName(),
          null);
    }
    if (unreadable.contains(run.indexName())) {
      throw new IndexWriteException(IndexWriteException.Reason.INDEX_UNREADABLE, "403 checking " + run.indexName(),
          null);
    }
    if (unreachable.contains(run.indexName()) && !ensured.contains(run.indexName())) {
      throw new IndexWriteException(IndexWriteException.Reason.INDEX_PENDING, "connection refused checking "
          + run.indexName(), null, 1_000);
    }
    if (!ensured.contains(run.indexName())) {
      ensured.add(run.indexName());
    }
    return run.indexName() + "#" + generation.getOrDefault(run.indexName(), 0);
  }

  /** The index is deleted: its documents and tombstones go, and its identity changes. */
  public void dropIndex(String index) {
    indexes.remove(index);
    tombstones.keySet().removeIf(k -> k.startsWith(index + "/"));
    generation.merge(index, 1, Integer::sum);
  }

  /** Submissions wait, as if in flight, until {@link #release()}. */
  public void hold() {
    holding = true;
  }

  /** Applies the held submissions in order and completes them; later ones complete at once again. */
  public void release() {
    holding = false;
    List<Runnable> ready = List.copyOf(held);
    held.clear();
    ready.forEach(Runnable::run);
  }

  public int inFlight() {
    return held.size();
  }

  @Override
  public BulkVectorEncoding vectorEncoding() {
    return BulkVectorEncoding.SMILE_FLOAT32;
  }

  @Override
  public PendingWrite submit(List<WriteOp> ops) {
    if (failure != null) {
      return PendingWrite.failed(failure);
    }
    if (!holding) {
      return PendingWrite.completed(apply(ops));
    }
    CompletableFuture<WriteResult> result = new CompletableFuture<>();
    List<WriteOp> copy = List.copyOf(ops);
    held.add(() -> result.complete(apply(copy)));
    return new PendingWrite() {
      @Override
      public CompletableFuture<WriteResult> result() {
        return result;
      }

      @Override
      public void cancel() {
        result.cancel(false);
      }
    };
  }

  /** Index ops carrying this first vector component are refused as bad documents (a 400 item). */
  public void rejectVectorsStartingWith(float first) {
    rejectedFirst = first;
  }

  private WriteResult apply(List<WriteOp> ops) {
    batches.add(List.copyOf(ops));
    int applied = 0;
    List<WriteResult.Rejection> rejected = new ArrayList<>();
    for (WriteOp op : ops) {
      if (op.action() == WriteOp.Action.INDEX && rejectedFirst != null && op.vector()[0] == rejectedFirst) {
        rejected.add(new WriteResult.Rejection(op, "mapper_parsing_exception: refused"));
        continue;
      }
      Map<String, Doc> docs = indexes.computeIfAbsent(op.index(), i -> new TreeMap<>());
      Doc current = docs.get(op.id());
      long stored = current != null ? current.version() : tombstones.getOrDefault(op.index() + "/" + op.id(), -1L);
      if (op.overwritesEqual() ? stored > op.version() : stored >= op.version()) {
        conflicts++;
        continue;
      }
      applied++;
      if (op.action() == WriteOp.Action.INDEX) {
        docs.put(op.id(), new Doc(op.sampleId(), op.labelId(), op.vector(), op.version(), op.summary()));
      } else {
        docs.remove(op.id());
        tombstones.put(op.index() + "/" + op.id(), op.version());
      }
    }
    return new WriteResult(applied, conflicts, rejected);
  }

  public Map<String, Doc> index(String name) {
    return indexes.getOrDefault(name, Map.of());
  }

  /** A patch index by label id, as the API reads it; a label held by two documents fails the test. */
  public Map<String, Doc> patches(String name) {
    Map<String, Doc> byLabel = new TreeMap<>();
    index(name).forEach((id, doc) -> {
      if (byLabel.put(doc.labelId(), doc) != null) {
        throw new AssertionError("label " + doc.labelId() + " is held by two documents of " + name);
      }
    });
    return byLabel;
  }

  public List<List<WriteOp>> batches() {
    return batches;
  }

  public List<String> ensured() {
    return ensured;
  }

  public int conflicts() {
    return conflicts;
  }
}
