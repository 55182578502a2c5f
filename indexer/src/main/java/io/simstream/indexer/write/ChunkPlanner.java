package io.simstream.indexer.write;

import io.simstream.elasticsearch.BulkVectorEncoding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reduces ops to one per document and splits them into bulk requests by action count and bytes. The
 * byte limit shrinks when Elasticsearch (or a proxy before it) refuses a request as too large, and
 * stays shrunk: the next bulks would be refused as well.
 */
final class ChunkPlanner {
  private final int maxActions;
  private final AtomicLong maxBytes;
  private final BulkVectorEncoding encoding;

  ChunkPlanner(int maxActions, long maxBytes, BulkVectorEncoding encoding) {
    this.maxActions = maxActions;
    this.maxBytes = new AtomicLong(maxBytes);
    this.encoding = encoding;
  }

  /** How the chunks' bodies carry vectors ({@link BulkBody#encode}). */
  BulkVectorEncoding encoding() {
    return encoding;
  }

  /** Bytes of the op in a chunk's body. */
  long estimatedBytes(WriteOp op) {
    return op.estimatedBytes(encoding);
  }

  /** A request of {@code refusedBytes} was too large: later chunks take at most half of it. */
  long shrinkBelow(long refusedBytes) {
    long half = Math.max(1, refusedBytes / 2);
    return maxBytes.accumulateAndGet(half, Math::min);
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
    long limit = maxBytes.get();
    long bytes = 0;
    for (WriteOp op : ops) {
      long size = estimatedBytes(op);
      if (!current.isEmpty() && (current.size() >= maxActions || bytes + size > limit)) {
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
