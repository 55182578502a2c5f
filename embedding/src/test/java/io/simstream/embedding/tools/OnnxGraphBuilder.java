package io.simstream.embedding.tools;

import io.simstream.embedding.onnx.ProtoWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX ModelProto (field numbers from onnx.proto) with the protobuf writer: nodes,
 * float/int64 initializers, typed graph inputs/outputs and metadata. Output is deterministic, so a
 * converted model has a reproducible SHA-256.
 */
public final class OnnxGraphBuilder {

  public static final int FLOAT = 1;
  public static final int INT64 = 7;

  private static final int ATTR_FLOAT = 1;
  private static final int ATTR_INT = 2;
  private static final int ATTR_STRING = 3;
  private static final int ATTR_INTS = 7;

  private final String graphName;
  private final List<ProtoWriter> nodes = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private final List<ProtoWriter> inputs = new ArrayList<>();
  private final List<ProtoWriter> outputs = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  public OnnxGraphBuilder(String graphName) {
    this.graphName = graphName;
  }

  /** Graph input; each dim is an Integer (fixed) or a String (symbolic, e.g. "batch"). */
  public OnnxGraphBuilder input(String name, int elementType, Object... dims) {
    inputs.add(valueInfo(name, elementType, dims));
    return this;
  }

  public OnnxGraphBuilder output(String name, int elementType, Object... dims) {
    outputs.add(valueInfo(name, elementType, dims));
    return this;
  }

  public OnnxGraphBuilder floats(String name, float[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return initializer(name, FLOAT, raw.array(), dims);
  }

  public OnnxGraphBuilder longs(String name, long[] values, long... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return initializer(name, INT64, raw.array(), dims);
  }

  public Node node(String opType, String name, List<String> nodeInputs, List<String> nodeOutputs) {
    Node node = new Node(opType, name, nodeInputs, nodeOutputs);
    nodes.add(node.proto);
    return node;
  }

  public OnnxGraphBuilder metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public byte[] build(int opset, String producer) {
    ProtoWriter graph = new ProtoWriter();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, graphName);
    initializers.forEach(t -> graph.message(5, t));
    inputs.forEach(v -> graph.message(11, v));
    outputs.forEach(v -> graph.message(12, v));

    ProtoWriter model = new ProtoWriter()
        .varint(1, 8) // ir_version 8 (ONNX 1.12+), matches opset 17
        .string(2, producer)
        .message(7, graph)
        .message(8, new ProtoWriter().string(1, "").varint(2, opset));
    metadata.forEach((k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
    return model.toByteArray();
  }

  private OnnxGraphBuilder initializer(String name, int elementType, byte[] raw, long... dims) {
    ProtoWriter tensor = new ProtoWriter();
    for (long d : dims) {
      tensor.varint(1, d);
    }
    tensor.varint(2, elementType).string(8, name).bytes(9, raw);
    initializers.add(tensor);
    return this;
  }

  private static ProtoWriter valueInfo(String name, int elementType, Object... dims) {
    ProtoWriter shape = new ProtoWriter();
    for (Object d : dims) {
      ProtoWriter dim = new ProtoWriter();
      if (d instanceof Integer size) {
        dim.varint(1, size);
      } else {
        dim.string(2, (String) d);
      }
      shape.message(1, dim);
    }
    ProtoWriter tensorType = new ProtoWriter().varint(1, elementType).message(2, shape);
    return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
  }

  /** A node under construction; attributes are appended in call order. */
  public static final class Node {
    private final ProtoWriter proto = new ProtoWriter();

    private Node(String opType, String name, List<String> inputs, List<String> outputs) {
      inputs.forEach(i -> proto.string(1, i));
      outputs.forEach(o -> proto.string(2, o));
      proto.string(3, name).string(4, opType);
    }

    public Node attr(String name, long value) {
      proto.message(5, new ProtoWriter().string(1, name).varint(3, value).varint(20, ATTR_INT));
      return this;
    }

    public Node attr(String name, float value) {
      proto.message(5, new ProtoWriter().string(1, name).fixed32(2, value).varint(20, ATTR_FLOAT));
      return this;
    }

    public Node attr(String name, String value) {
      proto.message(5, new ProtoWriter().string(1, name).string(4, value).varint(20, ATTR_STRING));
      return this;
    }

    public Node attr(String name, long[] values) {
      ProtoWriter attribute = new ProtoWriter().string(1, name);
      for (long v : values) {
        attribute.varint(8, v);
      }
      proto.message(5, attribute.varint(20, ATTR_INTS));
      return this;
    }
  }
}
