package io.simstream.indexer.write;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reduces ops to one per document and splits them into bulk requests by action count and bytes. */
final class ChunkPlanner {
  private final int maxActions;
  private final long maxBytes;

  ChunkPlanner(int maxActions, long maxBytes) {
    this.maxActions = maxActions;
    this.maxBytes = maxBytes;
  }

  /** The op with the highest version per document: earlier ones would be overwritten anyway. */
  static List<WriteOp> dedupe(List<WriteOp> ops) {
    Map<String, WriteOp> byDocument = new LinkedHashMap<>(ops.size() * 2);
    for (WriteOp op : ops) {
      byDocument.merge(op.index() + '\n' + op.id(), op, (old, now) -> now.version() >= old.version() ? now : old);
    }
    return byDocument.size() == ops.size() ? ops : new ArrayList<>(byDocument.values());
  }

  List<List<WriteOp>> split(List<WriteOp> ops) {
    List<List<WriteOp>> chunks = new ArrayList<>();
    List<WriteOp> current = new ArrayList<>();
    long bytes = 0;
    for (WriteOp op : ops) {
      long size = op.estimatedBytes();
      if (!current.isEmpty() && (current.size() >= maxActions || bytes + size > maxBytes)) {
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
}
