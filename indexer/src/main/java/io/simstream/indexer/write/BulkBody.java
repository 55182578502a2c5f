package io.simstream.indexer.write;

import com.fasterxml.jackson.core.JsonGenerator;
import io.simstream.elasticsearch.BulkBodyWriter;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.event.BoundingBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The body of a bulk request, streamed from the float arrays (no object mapping, no boxing):
 * Elasticsearch is CPU-bound on the same cores. Index actions go through the run's write alias with
 * {@code require_alias}, so a write never auto-creates a deleted index with a dynamic mapping;
 * deletes address the index itself (a missing index holds nothing to delete). The body's form
 * (SMILE, or NDJSON with base64 vectors for 9.3+) is the cluster's {@link BulkVectorEncoding}; the
 * document's {@link DocumentSummary} follows the vector.
 */
final class BulkBody {
  private BulkBody() {
  }

  static byte[] encode(List<WriteOp> ops, BulkVectorEncoding encoding) {
    BulkBodyWriter body = new BulkBodyWriter(encoding,
        (int) Math.min(Integer.MAX_VALUE - 8, ops.stream().mapToLong(op -> op.estimatedBytes(encoding)).sum()));
    try {
      for (WriteOp op : ops) {
        boolean index = op.action() == WriteOp.Action.INDEX;
        JsonGenerator action = body.nextLine();
        action.writeStartObject();
        action.writeObjectFieldStart(index ? "index" : "delete");
        action.writeStringField("_index", index ? IndexMapping.writeAlias(op.index()) : op.index());
        action.writeStringField("_id", op.id());
        action.writeNumberField("version", op.version());
        action.writeStringField("version_type", op.overwritesEqual() ? "external_gte" : "external");
        if (index) {
          action.writeBooleanField("require_alias", true);
        }
        action.writeEndObject();
        action.writeEndObject();
        if (index) {
          document(body, op);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return body.toByteArray();
  }

  private static void document(BulkBodyWriter body, WriteOp op) throws IOException {
    JsonGenerator doc = body.nextLine();
    doc.writeStartObject();
    doc.writeStringField(IndexMapping.SAMPLE_ID, op.sampleId());
    if (op.labelId() != null) {
      doc.writeStringField(IndexMapping.LABEL_ID, op.labelId());
    }
    body.writeVector(IndexMapping.VECTOR, op.vector());
    summary(doc, op.summary());
    doc.writeEndObject();
  }

  /** The summary object with its non-null members; nothing when all are null (a vectors-only sample). */
  private static void summary(JsonGenerator doc, DocumentSummary summary) throws IOException {
    if (summary.isEmpty()) {
      return;
    }
    doc.writeObjectFieldStart(IndexMapping.SUMMARY);
    member(doc, IndexMapping.IMAGE_URI, summary.imageUri());
    member(doc, IndexMapping.FIELD, summary.field());
    member(doc, IndexMapping.LABEL, summary.label());
    BoundingBox box = summary.boundingBox();
    if (box != null) {
      doc.writeFieldName(IndexMapping.BOUNDING_BOX);
      doc.writeArray(new double[] {box.x(), box.y(), box.width(), box.height()}, 0, 4);
    }
    doc.writeEndObject();
  }

  private static void member(JsonGenerator doc, String name, String value) throws IOException {
    if (value != null) {
      doc.writeStringField(name, value);
    }
  }
}
