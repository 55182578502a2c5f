package io.simstream.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks of vectors carried by events. */
final class Vectors {
  private Vectors() {
  }

  static List<EventProblem> problems(String field, Map<String, float[]> embeddings) {
    List<EventProblem> problems = new ArrayList<>();
    embeddings.forEach((name, vector) -> {
      if (vector == null || vector.length == 0) {
        problems.add(EventProblem.invalid(field + "." + name + " is empty"));
        return;
      }
      for (float v : vector) {
        if (!Float.isFinite(v)) {
          problems.add(EventProblem.invalid(field + "." + name + " holds a non-finite number"));
          return;
        }
      }
    });
    return problems;
  }
}
