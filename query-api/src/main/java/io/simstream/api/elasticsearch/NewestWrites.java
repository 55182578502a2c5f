package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per label id, the document of the latest write among the hits for it: while a label moves between
 * samples of different partitions, both samples' documents may exist for a moment, and the newest
 * state of the label is the one Elasticsearch wrote last ({@link WritePosition}).
 */
final class NewestWrites<T> {
  private record Write<T>(WritePosition position, T document) {
  }

  private final Map<String, Write<T>> newest = new HashMap<>();

  /** Keeps {@code document} for {@code id} if no later write of that id was seen. */
  void offer(String id, JsonNode hit, T document) {
    WritePosition position = WritePosition.of(hit);
    Write<T> known = newest.get(id);
    if (known == null || position.after(known.position())) {
      newest.put(id, new Write<>(position, document));
    }
  }

  /** The documents kept, in the order of {@code ids}; ids without one are absent. */
  Map<String, T> inOrderOf(List<String> ids) {
    Map<String, T> found = new LinkedHashMap<>();
    for (String id : ids) {
      Write<T> write = newest.get(id);
      if (write != null) {
        found.put(id, write.document());
      }
    }
    return found;
  }
}
