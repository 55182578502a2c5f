package io.simstream.indexer.state;

import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact binary form of {@link SampleState}: the store and its changelog hold vectors as raw floats,
 * which costs far less CPU than JSON (Elasticsearch shares the cores and is CPU-bound).
 */
public final class SampleStateSerde implements Serde<SampleState> {
  private static final byte FORMAT = 2;
  /** States written before patch vectors were computed: no patch vectors, read as such. */
  private static final byte FORMAT_WITHOUT_PATCH_VECTORS = 1;

  @Override
  public Serializer<SampleState> serializer() {
    return (topic, state) -> state == null ? null : write(state);
  }

  @Override
  public Deserializer<SampleState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : read(bytes);
  }

  static byte[] write(SampleState state) {
    // Sized from the estimate: growing a buffer of kilobytes by doubling was a tenth of the stream thread.
    Output bytes = new Output((int) Math.min(SampleState.MAX_BYTES, state.estimatedBytes()));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(state.version());
      writeNullable(out, state.imageUri());
      writeVectors(out, bytes, state.embeddings());
      writeVectors(out, bytes, state.computed());
      out.writeInt(state.patches().size());
      for (Patch patch : state.patches()) {
        out.writeUTF(patch.labelId());
        writeNullable(out, patch.field());
        writeNullable(out, patch.label());
        BoundingBox box = patch.boundingBox();
        out.writeDouble(box.x());
        out.writeDouble(box.y());
        out.writeDouble(box.width());
        out.writeDouble(box.height());
        writeVectors(out, bytes, patch.embeddings());
      }
      out.writeInt(state.patchesComputed().size());
      for (Map.Entry<String, Map<String, float[]>> entry : state.patchesComputed().entrySet()) {
        out.writeUTF(entry.getKey());
        writeVectors(out, bytes, entry.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static SampleState read(byte[] bytes) {
    Input input = new Input(bytes);
    // DataInputStream and DataOutputStream do not buffer, so the vectors' bytes sit where they read or write next.
    try (DataInputStream in = new DataInputStream(input)) {
      byte format = in.readByte();
      if (format != FORMAT && format != FORMAT_WITHOUT_PATCH_VECTORS) {
        throw new SerializationException("unknown sample state format " + format);
      }
      long version = in.readLong();
      String imageUri = readNullable(in);
      Map<String, float[]> embeddings = readVectors(in, input);
      Map<String, float[]> computed = readVectors(in, input);
      int patchCount = in.readInt();
      List<Patch> patches = new ArrayList<>(patchCount);
      for (int i = 0; i < patchCount; i++) {
        String labelId = in.readUTF();
        String field = readNullable(in);
        String label = readNullable(in);
        BoundingBox box = new BoundingBox(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
        patches.add(new Patch(labelId, field, label, box, readVectors(in, input)));
      }
      Map<String, Map<String, float[]>> patchesComputed = new HashMap<>();
      int labelCount = format == FORMAT ? in.readInt() : 0;
      for (int i = 0; i < labelCount; i++) {
        patchesComputed.put(in.readUTF(), readVectors(in, input));
      }
      return new SampleState(version, imageUri, embeddings, computed, patches, patchesComputed);
    } catch (IOException e) {
      throw new SerializationException("cannot read sample state", e);
    }
  }

  private static void writeNullable(DataOutputStream out, String value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeUTF(value);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static void writeVectors(DataOutputStream out, Output bytes, Map<String, float[]> vectors)
      throws IOException {
    out.writeInt(vectors.size());
    for (Map.Entry<String, float[]> entry : vectors.entrySet()) {
      out.writeUTF(entry.getKey());
      float[] vector = entry.getValue();
      out.writeInt(vector.length);
      bytes.writeFloats(vector);
    }
  }

  private static Map<String, float[]> readVectors(DataInputStream in, Input bytes) throws IOException {
    int count = in.readInt();
    Map<String, float[]> vectors = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      String name = in.readUTF();
      float[] vector = new float[in.readInt()];
      bytes.readFloats(vector);
      vectors.put(name, vector);
    }
    return vectors;
  }

  /** A byte buffer that takes float arrays in one copy (big-endian, as DataOutputStream writes floats). */
  private static final class Output extends ByteArrayOutputStream {
    Output(int size) {
      super(size);
    }

    void writeFloats(float[] vector) {
      int length = vector.length * Float.BYTES;
      if (count + length > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(2 * buf.length, count + length));
      }
      ByteBuffer.wrap(buf, count, length).asFloatBuffer().put(vector);
      count += length;
    }
  }

  /** Bytes read in place: float arrays are copied once, from the record into the vector. */
  private static final class Input extends ByteArrayInputStream {
    Input(byte[] bytes) {
      super(bytes);
    }

    void readFloats(float[] vector) throws EOFException {
      int length = vector.length * Float.BYTES;
      if (pos + length > count) {
        throw new EOFException("a vector of " + vector.length + " floats runs past the record");
      }
      ByteBuffer.wrap(buf, pos, length).asFloatBuffer().get(vector);
      pos += length;
    }
  }
}
