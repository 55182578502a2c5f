package io.simstream.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Instant;

/**
 * How a run is shown by the API; the index fields are present only where the index was asked, {@code shards} and
 * {@code replicas} only where the run sets them (else the index's layout is Elasticsearch's choice, see
 * {@link io.simstream.run.IndexLayout}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(String id, String dataset, String brainKey, String embeddingsKey, String indexName,
                      String model, Metric metric, int dims, String patchesField, String indexOptions,
                      boolean supportsPrompts, Instant createdAt, Integer shards, Integer replicas,
                      Boolean indexExists, Long indexSize) {

  public static RunView of(SimilarityRun run) {
    return new RunView(run.id(), run.dataset(), run.brainKey(), run.embeddingsKey(), run.indexName(), run.model(),
        run.metric(), run.dims(), run.patchesField(), run.indexOptions(), run.supportsPrompts(), run.createdAt(),
        run.layout().shards(), run.layout().replicas(), null, null);
  }

  public RunView withIndex(boolean exists, long size) {
    return new RunView(id, dataset, brainKey, embeddingsKey, indexName, model, metric, dims, patchesField,
        indexOptions, supportsPrompts, createdAt, shards, replicas, exists, size);
  }
}
