package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a document's last write stands in its shard's history: primary term, then sequence number
 * (asked for with {@code seq_no_primary_term}). Simstream's indexes have one shard, so the later
 * position is the later write.
 */
record WritePosition(long primaryTerm, long seqNo) {
  static WritePosition of(JsonNode hit) {
    return new WritePosition(hit.path("_primary_term").asLong(), hit.path("_seq_no").asLong());
  }

  boolean after(WritePosition other) {
    return primaryTerm > other.primaryTerm || primaryTerm == other.primaryTerm && seqNo > other.seqNo;
  }
}
