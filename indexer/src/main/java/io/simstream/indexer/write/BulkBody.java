package io.simstream.indexer.write;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.NumberOutput;
import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.event.BoundingBox;
import io.simstream.event.EventVectors;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Hand-written NDJSON of a bulk request, straight from the float arrays (no object mapping, no
 * boxing): Elasticsearch is CPU-bound on the same cores. Index actions go through the run's write
 * alias with {@code require_alias}, so a write never auto-creates a deleted index with a dynamic
 * mapping; deletes address the index itself (a missing index holds nothing to delete). Vectors go
 * as decimal arrays or, to 9.3+, as base64 float32 strings ({@link BulkVectorEncoding}); the
 * document's {@link DocumentSummary} follows them.
 */
final class BulkBody {
  private static final JsonStringEncoder QUOTER = JsonStringEncoder.getInstance();

  private BulkBody() {
  }

  static byte[] encode(List<WriteOp> ops, BulkVectorEncoding encoding) {
    StringBuilder out = new StringBuilder(ops.size() * 256);
    for (WriteOp op : ops) {
      boolean index = op.action() == WriteOp.Action.INDEX;
      out.append(index ? "{\"index\":{\"_index\":" : "{\"delete\":{\"_index\":");
      quote(out, index ? IndexMapping.writeAlias(op.index()) : op.index()).append(",\"_id\":");
      quote(out, op.id()).append(",\"version\":").append(op.version()).append(",\"version_type\":\"external\"");
      out.append(index ? ",\"require_alias\":true}}\n" : "}}\n");
      if (index) {
        out.append("{\"").append(IndexMapping.SAMPLE_ID).append("\":");
        quote(out, op.sampleId());
        if (op.labelId() != null) {
          out.append(",\"").append(IndexMapping.LABEL_ID).append("\":");
          quote(out, op.labelId());
        }
        out.append(",\"").append(IndexMapping.VECTOR).append("\":");
        if (encoding == BulkVectorEncoding.BASE64_FLOAT32) {
          out.append('"').append(EventVectors.Writer.toBase64(op.vector())).append('"');
        } else {
          decimals(out, op.vector());
        }
        summary(out, op.summary());
        out.append("}\n");
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The summary object with its non-null members; nothing when all are null (a vectors-only sample). */
  private static void summary(StringBuilder out, DocumentSummary summary) {
    if (summary.isEmpty()) {
      return;
    }
    out.append(",\"").append(IndexMapping.SUMMARY).append("\":{");
    boolean first = true;
    first = member(out, first, IndexMapping.IMAGE_URI, summary.imageUri());
    first = member(out, first, IndexMapping.FIELD, summary.field());
    first = member(out, first, IndexMapping.LABEL, summary.label());
    BoundingBox box = summary.boundingBox();
    if (box != null) {
      out.append(first ? "\"" : ",\"").append(IndexMapping.BOUNDING_BOX).append("\":[")
          .append(box.x()).append(',').append(box.y()).append(',').append(box.width()).append(',')
          .append(box.height()).append(']');
    }
    out.append('}');
  }

  /** Appends {@code "name":"value"} unless value is null; returns whether nothing was appended yet. */
  private static boolean member(StringBuilder out, boolean first, String name, String value) {
    if (value == null) {
      return first;
    }
    out.append(first ? "\"" : ",\"").append(name).append("\":");
    quote(out, value);
    return false;
  }

  private static void decimals(StringBuilder out, float[] vector) {
    out.append('[');
    for (int i = 0; i < vector.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      // Schubfach through Jackson: several times faster than Float.toString on JDK 17, same digits.
      out.append(NumberOutput.toString(vector[i], true));
    }
    out.append(']');
  }

  private static StringBuilder quote(StringBuilder out, String value) {
    out.append('"');
    QUOTER.quoteAsString(value, out);
    return out.append('"');
  }
}
