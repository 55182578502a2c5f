package io.simstream.indexer.state;

import java.util.Set;

/**
 * An outbox entry: the sample changed and its documents must be rewritten from its current state.
 * It is committed with the input offsets (exactly_once_v2) and removed only after the Elasticsearch
 * writes succeeded, so a crash never loses a write: the entry is still there after the restart.
 *
 * @param version         offset of the sample's latest event, the external version of every write
 * @param removedLabelIds patches that left the sample since its documents were last written
 */
public record PendingChange(long version, Set<String> removedLabelIds) {
  public PendingChange {
    removedLabelIds = Set.copyOf(removedLabelIds);
  }
}
