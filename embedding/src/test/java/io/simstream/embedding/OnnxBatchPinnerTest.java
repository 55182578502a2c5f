package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.embedding.onnx.OnnxBatchPinner;
import io.simstream.embedding.onnx.ProtoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning the batch dimension, as done for TensorRT, checked by reading the proto back and by ONNX Runtime. */
class OnnxBatchPinnerTest {

  @TempDir
  Path dir;

  @Test
  void pinsTheLeadingDimensionOfInputsAndOutputs() {
    byte[] pinned = OnnxBatchPinner.pinBatch(TinyClipModel.visionModel(), 2);
    assertThat(graphShapes(pinned, 11)).containsExactly(List.of("2", "3", "224", "224"));
    assertThat(graphShapes(pinned, 12)).containsExactly(List.of("2", "4"));
    assertThat(graphShapes(TinyClipModel.visionModel(), 11)).containsExactly(List.of("batch", "3", "224", "224"));
    assertThat(OnnxBatchPinner.pinBatch(pinned, 2)).isEqualTo(pinned);
    assertThat(OnnxBatchPinner.pinBatch(pinned, 5)).as("fixed sizes are left alone").isEqualTo(pinned);
  }

  @Test
  void onnxRuntimeEnforcesThePinnedBatch() throws Exception {
    Path file = Files.write(dir.resolve("pinned.onnx"), OnnxBatchPinner.pinBatch(TinyClipModel.visionModel(), 2));
    try (OnnxSession session = InferenceEngines.openCpu(file, "image_embeds")) {
      assertThat(session.run(ModelInput.floats("pixel_values", new float[2 * 3 * 224 * 224], 2, 3, 224, 224)))
          .hasSize(2 * TinyClipModel.DIMENSIONS);
      assertThatThrownBy(() -> session.run(ModelInput.floats("pixel_values", new float[3 * 3 * 224 * 224], 3, 3, 224, 224)))
          .isInstanceOf(EmbeddingException.class);
    }
  }

  /** Dims (value or symbol) of each graph input (field 11) or output (field 12), read with the wire reader. */
  private static List<List<String>> graphShapes(byte[] model, int graphField) {
    List<List<String>> shapes = new ArrayList<>();
    ProtoReader modelReader = new ProtoReader(model);
    while (modelReader.next()) {
      if (modelReader.field() != 7) {
        continue;
      }
      ProtoReader graph = modelReader.message();
      while (graph.next()) {
        if (graph.field() == graphField) {
          shapes.add(dims(graph.message()));
        }
      }
    }
    return shapes;
  }

  private static List<String> dims(ProtoReader valueInfo) {
    List<String> dims = new ArrayList<>();
    ProtoReader shape = descend(descend(descend(valueInfo, 2), 1), 2);
    while (shape.next()) {
      ProtoReader dim = shape.message();
      while (dim.next()) {
        dims.add(dim.field() == 1 ? String.valueOf(dim.varint()) : new String(dim.bytes()));
      }
    }
    return dims;
  }

  private static ProtoReader descend(ProtoReader reader, int field) {
    while (reader.next()) {
      if (reader.field() == field) {
        return reader.message();
      }
    }
    throw new AssertionError("field " + field + " missing");
  }
}
