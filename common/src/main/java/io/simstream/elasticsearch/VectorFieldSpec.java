package io.simstream.elasticsearch;

import io.simstream.run.Metric;

/** What an index's vector field is: read back from a live mapping or written into a new one. */
public record VectorFieldSpec(Metric metric, int dims, String indexOptions) {
}
