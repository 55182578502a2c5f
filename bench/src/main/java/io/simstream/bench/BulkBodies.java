package io.simstream.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import io.simstream.elasticsearch.BulkBodyWriter;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.IndexMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Bulk request bodies with the documents simstream writes: id = sample id, source sample_id + vector,
 * in the form the indexer uses for the cluster ({@link BulkVectorEncoding}, through the same
 * {@link BulkBodyWriter}), so that a ceiling measured with these compares like with like.
 */
final class BulkBodies {
  private BulkBodies() {
  }

  record Doc(String id, float[] vector) {
  }

  static byte[] index(String index, List<Doc> docs, BulkVectorEncoding encoding) {
    BulkBodyWriter body = new BulkBodyWriter(encoding,
        (int) (docs.size() * (encoding.vectorBytes(docs.get(0).vector().length) + 100)));
    try {
      for (Doc doc : docs) {
        JsonGenerator action = body.nextLine();
        action.writeStartObject();
        action.writeObjectFieldStart("index");
        action.writeStringField("_index", index);
        action.writeStringField("_id", doc.id());
        action.writeEndObject();
        action.writeEndObject();
        JsonGenerator source = body.nextLine();
        source.writeStartObject();
        source.writeStringField(IndexMapping.SAMPLE_ID, doc.id());
        body.writeVector(IndexMapping.VECTOR, doc.vector());
        source.writeEndObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body.toByteArray();
  }
}
