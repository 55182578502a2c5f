package io.simstream.bench;

import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.event.EventVectors;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Bulk request bodies with the documents simstream writes: id = sample id, source sample_id + vector,
 * the vector in the form the indexer uses for the cluster ({@link BulkVectorEncoding}), so that a
 * ceiling measured with these compares like with like.
 */
final class BulkBodies {
  private BulkBodies() {
  }

  record Doc(String id, float[] vector) {
  }

  static byte[] index(String index, List<Doc> docs, BulkVectorEncoding encoding) {
    StringBuilder body = new StringBuilder((int) (docs.size() * (encoding.vectorBytes(docs.get(0).vector().length)
        + 100)));
    for (Doc doc : docs) {
      body.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(doc.id()).append("\"}}\n");
      body.append("{\"").append(IndexMapping.SAMPLE_ID).append("\":\"").append(doc.id()).append("\",\"")
          .append(IndexMapping.VECTOR).append("\":");
      float[] v = doc.vector();
      if (encoding == BulkVectorEncoding.BASE64_FLOAT32) {
        body.append('"').append(EventVectors.Writer.toBase64(v)).append('"');
      } else {
        body.append('[');
        for (int d = 0; d < v.length; d++) {
          if (d > 0) {
            body.append(',');
          }
          body.append(v[d]);
        }
        body.append(']');
      }
      body.append("}\n");
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
