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

  /** A document; {@code version} is sent only by forms with external versions. */
  record Doc(String id, float[] vector, long version) {
    Doc(String id, float[] vector) {
      this(id, vector, 1);
    }
  }

  /**
   * What an index action carries besides {@code _index} and {@code _id}, and whether the response is
   * filtered to the items' outcomes: the indexer does all three (its documents are versioned by the
   * sample's change, through the run's write alias); the ceilings none, so each difference is measured
   * on its own (the bulk-form case).
   */
  record Form(boolean externalVersion, boolean writeAlias, boolean filteredResponse) {
    static final Form PLAIN = new Form(false, false, false);
    static final Form INDEXER = new Form(true, true, true);
  }

  static byte[] index(String index, List<Doc> docs, BulkVectorEncoding encoding) {
    return index(index, docs, encoding, Form.PLAIN);
  }

  static byte[] index(String index, List<Doc> docs, BulkVectorEncoding encoding, Form form) {
    BulkBodyWriter body = new BulkBodyWriter(encoding,
        (int) (docs.size() * (encoding.vectorBytes(docs.get(0).vector().length) + 100)));
    try {
      for (Doc doc : docs) {
        JsonGenerator action = body.nextLine();
        action.writeStartObject();
        action.writeObjectFieldStart("index");
        action.writeStringField("_index", form.writeAlias() ? IndexMapping.writeAlias(index) : index);
        action.writeStringField("_id", doc.id());
        if (form.externalVersion()) {
          action.writeNumberField("version", doc.version());
          action.writeStringField("version_type", "external");
        }
        if (form.writeAlias()) {
          action.writeBooleanField("require_alias", true);
        }
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
