package io.simstream.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks of vectors carried by events. */
final class Vectors {
  private Vectors() {
  }

  static List<String> problems(String field, Map<String, float[]> embeddings) {
    List<String> problems = new ArrayList<>();
    embeddings.forEach((name, vector) -> {
      if (vector == null || vector.length == 0) {
        problems.add(field + "." + name + " is empty");
        return;
      }
      for (float v : vector) {
        if (!Float.isFinite(v)) {
          problems.add(field + "." + name + " holds a non-finite number");
          return;
        }
      }
    });
    return problems;
  }
}
