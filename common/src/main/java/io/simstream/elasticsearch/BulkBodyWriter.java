package io.simstream.elasticsearch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One bulk request body in the form of a {@link BulkVectorEncoding}, written one line (an action or
 * a document) at a time: each line is a complete document of its own, followed by the form's
 * separator (newline for NDJSON, 0xFF between SMILE documents, each with its header).
 */
public final class BulkBodyWriter {
  private final BulkVectorEncoding encoding;
  private final ByteArrayBuilder out;
  private JsonGenerator line;

  public BulkBodyWriter(BulkVectorEncoding encoding, int expectedBytes) {
    this.encoding = encoding;
    this.out = new ByteArrayBuilder(expectedBytes);
  }

  /**
   * Ends the line in progress, if any, and returns the generator of the next one; write one object
   * with it (maps and trees too: {@code writeObject} goes through {@link Json#MAPPER}).
   */
  public JsonGenerator nextLine() {
    try {
      endLine();
      line = encoding.factory().createGenerator(out).setCodec(Json.MAPPER);
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code "field": vector} in the body's form on the line in progress. */
  public void writeVector(String field, float[] vector) throws IOException {
    line.writeFieldName(field);
    encoding.writeVector(line, vector);
  }

  /** The body, its last line ended. */
  public byte[] toByteArray() {
    try {
      endLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private void endLine() throws IOException {
    if (line != null) {
      line.close();
      line = null;
      out.write(encoding.separator());
    }
  }
}
