package io.simstream.embedding.onnx;

import java.util.function.UnaryOperator;

/**
 * Rewrites an ONNX model so that the leading (batch) dimension of every graph input and output is
 * a fixed number instead of a symbol. DJL's TensorRT engine builds explicit-batch
 * networks without optimisation profiles, so it only accepts fully static input shapes.
 */
public final class OnnxBatchPinner {

  // Field numbers from onnx.proto.
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int VALUE_INFO_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;

  private OnnxBatchPinner() {}

  public static byte[] pinBatch(byte[] model, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1");
    }
    return rewrite(model, MODEL_GRAPH, graph -> rewriteGraph(graph, batch));
  }

  private static byte[] rewriteGraph(byte[] graph, int batch) {
    ProtoReader reader = new ProtoReader(graph);
    ProtoWriter writer = new ProtoWriter();
    while (reader.next()) {
      int field = reader.field();
      if (field == GRAPH_INPUT || field == GRAPH_OUTPUT) {
        writer.bytes(field, rewrite(reader.bytes(), VALUE_INFO_TYPE,
            type -> rewrite(type, TYPE_TENSOR,
                tensor -> rewrite(tensor, TENSOR_SHAPE, shape -> pinFirstDim(shape, batch)))));
      } else {
        reader.copyTo(writer);
      }
    }
    return writer.toByteArray();
  }

  private static byte[] pinFirstDim(byte[] shape, int batch) {
    ProtoReader reader = new ProtoReader(shape);
    ProtoWriter writer = new ProtoWriter();
    boolean first = true;
    while (reader.next()) {
      if (reader.field() == SHAPE_DIM && first) {
        first = false;
        writer.bytes(SHAPE_DIM, pinDim(reader.bytes(), batch));
      } else {
        reader.copyTo(writer);
      }
    }
    return writer.toByteArray();
  }

  /** A symbolic or unknown dimension becomes {@code batch}; a fixed one is left alone. */
  private static byte[] pinDim(byte[] dim, int batch) {
    ProtoReader reader = new ProtoReader(dim);
    while (reader.next()) {
      if (reader.field() == DIM_VALUE && reader.varint() > 0) {
        return dim;
      }
    }
    ProtoWriter writer = new ProtoWriter().varint(DIM_VALUE, batch);
    reader = new ProtoReader(dim);
    while (reader.next()) {
      if (reader.field() != DIM_VALUE && reader.field() != DIM_PARAM) {
        reader.copyTo(writer);
      }
    }
    return writer.toByteArray();
  }

  /** Copies a message, replacing every occurrence of one embedded-message field by {@code change(field)}. */
  private static byte[] rewrite(byte[] message, int field, UnaryOperator<byte[]> change) {
    ProtoReader reader = new ProtoReader(message);
    ProtoWriter writer = new ProtoWriter();
    while (reader.next()) {
      if (reader.field() == field && reader.wireType() == 2) {
        writer.bytes(field, change.apply(reader.bytes()));
      } else {
        reader.copyTo(writer);
      }
    }
    return writer.toByteArray();
  }
}
