package io.simstream.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An object patch of a sample: a labelled box, optionally with precomputed vectors. {@code field}
 * is the label field it belongs to (e.g. {@code ground_truth}); a patch index built on a field
 * takes only that field's patches, and patches without a field belong to every patch index.
 */
public record Patch(String labelId, String field, String label, BoundingBox boundingBox,
                    @EventVectors Map<String, float[]> embeddings) {
  public Patch {
    embeddings = embeddings == null ? Map.of() : Map.copyOf(embeddings);
  }

  public boolean belongsTo(String patchesField) {
    return field == null || field.equals(patchesField);
  }

  List<EventProblem> problems() {
    List<EventProblem> problems = new ArrayList<>();
    DocumentIds.problem("patches[].labelId", labelId).ifPresent(problems::add);
    if (boundingBox == null) {
      problems.add(EventProblem.missing("patches[].boundingBox of '" + labelId + "'"));
    } else {
      problems.addAll(boundingBox.problems());
    }
    problems.addAll(Vectors.problems("patches[].embeddings", embeddings));
    return problems;
  }
}
