package io.simstream.indexer.topology;

import io.simstream.event.BoundingBox;
import io.simstream.indexer.embed.ImageEmbedder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The images and patches a batch of samples still needs vectors for, by model: built on the stream
 * thread from the states, embedded anywhere (it holds no store), applied back on the stream thread.
 *
 * @param jobs what each model must embed, each image or crop once however many runs need it
 * @param dims the dims each model's runs expect
 */
record EmbeddingPlan(Map<String, List<Job>> jobs, Map<String, Integer> dims) {
  /** One image (labelId null) or patch crop of one sample, as it was when the plan was made. */
  record Job(String key, String imageUri, String labelId, BoundingBox box) {
    ImageEmbedder.Image image() {
      return labelId == null ? ImageEmbedder.Image.whole(imageUri) : ImageEmbedder.Image.cropped(imageUri, box);
    }
  }

  /**
   * A job's result: a vector of the model's dims, or why there is none.
   *
   * @param retryable the image may be readable later (fetch failed, timed out)
   */
  record Result(String model, Job job, float[] vector, String problem, boolean wrongDims, boolean retryable) {
  }

  boolean isEmpty() {
    return jobs.isEmpty();
  }

  /** This plan less {@code excluded}, cut to its first {@code limit} jobs (models in order). */
  EmbeddingPlan part(Set<Job> excluded, int limit) {
    Map<String, List<Job>> kept = new LinkedHashMap<>();
    int left = limit;
    for (Map.Entry<String, List<Job>> model : jobs.entrySet()) {
      List<Job> some = model.getValue().stream().filter(job -> !excluded.contains(job)).limit(left).toList();
      if (!some.isEmpty()) {
        kept.put(model.getKey(), some);
        left -= some.size();
      }
    }
    return new EmbeddingPlan(kept, dims);
  }

  /** Images and crops to embed, over every model. */
  int jobCount() {
    return jobs.values().stream().mapToInt(List::size).sum();
  }
}
