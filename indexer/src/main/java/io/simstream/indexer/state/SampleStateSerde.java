package io.simstream.indexer.state;

import io.simstream.event.BoundingBox;
import io.simstream.event.Patch;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(state.version());
      writeNullable(out, state.imageUri());
      writeVectors(out, state.embeddings());
      writeVectors(out, state.computed());
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
        writeVectors(out, patch.embeddings());
      }
      out.writeInt(state.patchesComputed().size());
      for (Map.Entry<String, Map<String, float[]>> entry : state.patchesComputed().entrySet()) {
        out.writeUTF(entry.getKey());
        writeVectors(out, entry.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static SampleState read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT && format != FORMAT_WITHOUT_PATCH_VECTORS) {
        throw new SerializationException("unknown sample state format " + format);
      }
      long version = in.readLong();
      String imageUri = readNullable(in);
      Map<String, float[]> embeddings = readVectors(in);
      Map<String, float[]> computed = readVectors(in);
      int patchCount = in.readInt();
      List<Patch> patches = new ArrayList<>(patchCount);
      for (int i = 0; i < patchCount; i++) {
        String labelId = in.readUTF();
        String field = readNullable(in);
        String label = readNullable(in);
        BoundingBox box = new BoundingBox(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
        patches.add(new Patch(labelId, field, label, box, readVectors(in)));
      }
      Map<String, Map<String, float[]>> patchesComputed = new HashMap<>();
      int labelCount = format == FORMAT ? in.readInt() : 0;
      for (int i = 0; i < labelCount; i++) {
        patchesComputed.put(in.readUTF(), readVectors(in));
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

  private static void writeVectors(DataOutputStream out, Map<String, float[]> vectors) throws IOException {
    out.writeInt(vectors.size());
    for (Map.Entry<String, float[]> entry : vectors.entrySet()) {
      out.writeUTF(entry.getKey());
      float[] vector = entry.getValue();
      out.writeInt(vector.length);
      // One bulk copy instead of four single-byte writes per float (DataOutputStream's way).
      ByteBuffer raw = ByteBuffer.allocate(vector.length * Float.BYTES);
      raw.asFloatBuffer().put(vector);
      out.write(raw.array());
    }
  }

  private static Map<String, float[]> readVectors(DataInputStream in) throws IOException {
    int count = in.readInt();
    Map<String, float[]> vectors = new HashMap<>(count * 2);
    for (int i = 0; i < count; i++) {
      String name = in.readUTF();
      float[] vector = new float[in.readInt()];
      byte[] raw = new byte[vector.length * Float.BYTES];
      in.readFully(raw);
      ByteBuffer.wrap(raw).asFloatBuffer().get(vector); // big-endian, as DataOutputStream wrote it
      vectors.put(name, vector);
    }
    return vectors;
  }
}
