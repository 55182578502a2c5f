package io.simstream.api.run;

/**
 * Body of {@code POST /v1/datasets/{dataset}/similarity}. Null fields take their defaults, or,
 * when {@code indexName} names an existing index, the values read from its mapping. {@code shards} and
 * {@code replicas} apply to a new index ({@link io.simstream.run.IndexLayout}).
 */
public record CreateRunRequest(String brainKey, String model, String metric, String indexName, String patchesField,
                               Integer dims, String indexOptions, Integer shards, Integer replicas) {
}
