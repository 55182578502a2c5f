package io.simstream.elasticsearch;

import io.simstream.run.Metric;
import java.util.Optional;

/** What an index's vector field is: read back from a live mapping or written into a new one. */
public record VectorFieldSpec(Metric metric, int dims, String indexOptions) {
  /** Fewest dims Elasticsearch takes for bbq (better binary quantization) index types. */
  static final int MIN_BBQ_DIMS = 64;

  /** Why Elasticsearch would refuse these dims for this index type (it maps the refusal to a 400 of its own). */
  public Optional<String> dimsProblem() {
    if (indexOptions.startsWith("int4_") && dims % 2 != 0) {
      return Optional.of("indexOptions " + indexOptions + " needs an even number of dims, got " + dims);
    }
    if (indexOptions.startsWith("bbq_") && dims < MIN_BBQ_DIMS) {
      return Optional.of("indexOptions " + indexOptions + " needs at least " + MIN_BBQ_DIMS + " dims, got " + dims);
    }
    return Optional.empty();
  }
}
