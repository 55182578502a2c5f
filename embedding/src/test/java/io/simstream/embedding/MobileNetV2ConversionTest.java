package io.simstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.simstream.run.VectorMath;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bundled ONNX model against the original: golden outputs of nsfwjs@4.4.0 running in TF.js
 * (src/test/tfjs/nsfwjs-reference.js) on the same PNG files. Covers the conversion (weights, layouts,
 * padding) and the preprocessing (align-corners bilinear resize, pixel/255) together.
 */
class MobileNetV2ConversionTest {

  @TempDir
  static Path cache;

  private static OnnxSession probabilities;
  private static OnnxSession features;

  record Golden(String file, float[] probabilities, float[] features) {
    @Override
    public String toString() {
      return file;
    }
  }

  @BeforeAll
  static void open() {
    Path onnx = MobileNetV2Embedder.MODEL.unpackTo(cache);
    probabilities = InferenceEngines.openCpu(onnx, "probabilities");
    features = InferenceEngines.openCpu(onnx, MobileNetV2Embedder.OUTPUT);
  }

  @AfterAll
  static void close() {
    probabilities.close();
    features.close();
  }

  static List<Golden> golden() throws Exception {
    List<Golden> rows = new ArrayList<>();
    try (InputStream in = MobileNetV2ConversionTest.class.getResourceAsStream("/golden/nsfwjs-tfjs-mobilenet_v2.txt");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line;
      while ((line = reader.readLine()) != null) {
        String[] parts = line.trim().split(" ");
        float[] values = new float[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
          values[i - 1] = Float.parseFloat(parts[i]);
        }
        rows.add(new Golden(parts[0], Arrays.copyOf(values, 5), Arrays.copyOfRange(values, 5, values.length)));
      }
    }
    assertThat(rows).hasSize(3);
    return rows;
  }

  @ParameterizedTest
  @MethodSource("golden")
  void matchesTfjsReference(Golden golden) throws Exception {
    BufferedImage image = ImageIO.read(MobileNetV2ConversionTest.class.getResource("/images/" + golden.file()));
    float[] pixels = new float[PreprocessingSpec.NSFWJS_MOBILENET.tensorLength()];
    new ImagePreprocessor(PreprocessingSpec.NSFWJS_MOBILENET).write(image, null, pixels, 0);
    ModelInput input = ModelInput.floats(MobileNetV2Embedder.INPUT, pixels, 1, 3, 224, 224);

    float[] classes = probabilities.run(input);
    float[] vector = features.run(input);

    assertThat(classes).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(classes[i]).as("class %d", i).isCloseTo(golden.probabilities()[i], within(1e-5f));
    }
    assertThat(vector).hasSize(1280);
    float maxDifference = 0;
    for (int i = 0; i < vector.length; i++) {
      maxDifference = Math.max(maxDifference, Math.abs(vector[i] - golden.features()[i]));
    }
    // Features range up to ~3; measured differences are ~5e-6 (float summation order only).
    assertThat(maxDifference).as("max |onnx - tfjs| of the features").isLessThan(5e-5f);
    assertThat(VectorMath.dot(Vectors.normalized(vector, 0, 1280), Vectors.normalized(golden.features(), 0, 1280)))
        .isGreaterThan(0.99999);
  }
}
