package io.simstream.run;

import java.util.Optional;

/**
 * The shards and replicas a run's index is created with. Unset shards are left to Elasticsearch (an index
 * template, else 1). Unset replicas mean {@code auto_expand_replicas: 0-1}: one replica where a second node can
 * hold it, none on a single node, whose index would otherwise stay yellow with a replica it can never place.
 *
 * @param shards   primary shards, 1..{@value #MAX_SHARDS}, or null
 * @param replicas replicas of each shard, 0..{@value #MAX_REPLICAS}, or null
 */
public record IndexLayout(Integer shards, Integer replicas) {
  public static final IndexLayout DEFAULT = new IndexLayout(null, null);
  public static final int MAX_SHARDS = 1024;
  public static final int MAX_REPLICAS = 16;

  /** Why Elasticsearch could not create an index of this layout, if it could not. */
  public Optional<String> problem() {
    if (shards != null && (shards < 1 || shards > MAX_SHARDS)) {
      return Optional.of("shards must be 1.." + MAX_SHARDS + ", got " + shards);
    }
    if (replicas != null && (replicas < 0 || replicas > MAX_REPLICAS)) {
      return Optional.of("replicas must be 0.." + MAX_REPLICAS + ", got " + replicas);
    }
    return Optional.empty();
  }
}
