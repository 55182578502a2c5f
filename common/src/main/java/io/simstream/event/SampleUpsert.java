package io.simstream.event;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An add or update: both carry the full new state of the sample. */
public sealed interface SampleUpsert extends ChangeEvent permits SampleAdded, SampleUpdated {
  /** Image location: a file path, file: URI or http(s) URL; may be absent when vectors are given. */
  String imageUri();

  /** Precomputed vectors keyed by brain key or model name. */
  Map<String, float[]> embeddings();

  List<Patch> patches();

  @Override
  default List<EventProblem> problems() {
    List<EventProblem> problems = new ArrayList<>(SampleKey.problems(dataset(), sampleId()));
    if (schemaVersion() > CURRENT_SCHEMA_VERSION) {
      problems.add(new EventProblem(InvalidEventReason.UNSUPPORTED_VERSION,
          "schemaVersion " + schemaVersion() + " is newer than " + CURRENT_SCHEMA_VERSION));
    }
    boolean hasImage = imageUri() != null && !imageUri().isBlank();
    if (!hasImage && embeddings().isEmpty() && patches().isEmpty()) {
      problems.add(EventProblem.missing("imageUri or embeddings"));
    }
    problems.addAll(Vectors.problems("embeddings", embeddings()));
    Set<String> labelIds = new HashSet<>();
    for (Patch patch : patches()) {
      problems.addAll(patch.problems());
      if (patch.labelId() != null && !labelIds.add(patch.labelId())) {
        problems.add(EventProblem.invalid("duplicate patch labelId '" + patch.labelId() + "'"));
      }
    }
    return problems;
  }
}
