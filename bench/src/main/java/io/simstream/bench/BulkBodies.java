package io.simstream.bench;

import io.simstream.elasticsearch.IndexMapping;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Bulk request bodies with the documents simstream writes: id = sample id, source sample_id + vector. */
final class BulkBodies {
  private BulkBodies() {
  }

  record Doc(String id, float[] vector) {
  }

  static byte[] index(String index, List<Doc> docs) {
    StringBuilder body = new StringBuilder(docs.size() * (docs.get(0).vector().length * 12 + 100));
    for (Doc doc : docs) {
      body.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(doc.id()).append("\"}}\n");
      body.append("{\"").append(IndexMapping.SAMPLE_ID).append("\":\"").append(doc.id()).append("\",\"")
          .append(IndexMapping.VECTOR).append("\":[");
      float[] v = doc.vector();
      for (int d = 0; d < v.length; d++) {
        if (d > 0) {
          body.append(',');
        }
        body.append(v[d]);
      }
      body.append("]}\n");
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
