package io.simstream.embedding;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One ONNX model loaded in a DJL engine (OnnxRuntime or TensorRT), returning one named float output
 * as a flat array. Calls are serialised because a DJL predictor is not thread-safe; close waits for them.
 */
final class OnnxSession implements ImageTower {

  private final ZooModel<ModelInput[], float[]> model;
  private final Predictor<ModelInput[], float[]> predictor;
  private final String engineName;
  private final int fixedBatch;
  /** Set by close under the lock run holds, so no run ever reaches the freed native session. */
  private boolean closed;

  private OnnxSession(ZooModel<ModelInput[], float[]> model, String engineName, int fixedBatch) {
    this.model = model;
    this.predictor = model.newPredictor();
    this.engineName = engineName;
    this.fixedBatch = fixedBatch;
  }

  /**
   * @param outputName preferred output; a model with a single output may name it differently
   * @param fixedBatch the batch size the engine was built for, or 0 when the batch is dynamic
   */
  static OnnxSession open(Path file, String engine, Device device, Map<String, String> options,
      String outputName, int fixedBatch) throws Exception {
    Criteria.Builder<ModelInput[], float[]> criteria = Criteria.builder()
        .setTypes(ModelInput[].class, float[].class)
        // Folder plus name rather than the file itself: DJL warns about a "non-archive file" otherwise.
        .optModelPath(file.toAbsolutePath().getParent())
        .optModelName(file.getFileName().toString().replaceFirst("\\.onnx$", ""))
        .optEngine(engine) // always explicit: with the tokenizers jar present DJL's default engine is "Rust"
        .optDevice(device)
        .optTranslator(new NamedOutputTranslator(outputName));
    options.forEach(criteria::optOption);
    return new OnnxSession(criteria.build().loadModel(), engine, fixedBatch);
  }

  @Override
  public String engineName() {
    return engineName;
  }

  @Override
  public int fixedBatch() {
    return fixedBatch;
  }

  /** Input names in model order, as the engine reports them. */
  List<String> inputNames() {
    return model.describeInput().keys();
  }

  @Override
  public synchronized float[] run(ModelInput... inputs) {
    if (closed) {
      throw new EmbeddingException("Model " + model.getName() + " on " + engineName + " is closed");
    }
    try {
      return predictor.predict(inputs);
    } catch (TranslateException | RuntimeException e) {
      throw new EmbeddingException("Inference failed on " + engineName + " for " + model.getName() + ": " + e.getMessage(), e);
    }
  }

  /** Waits for a run in progress (a shutdown during a batch), which would otherwise run on freed native memory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    predictor.close();
    model.close();
  }

  /** Creates the input arrays in the predictor's own manager and copies the chosen output out of it. */
  private record NamedOutputTranslator(String outputName) implements NoBatchifyTranslator<ModelInput[], float[]> {

    @Override
    public NDList processInput(TranslatorContext ctx, ModelInput[] inputs) {
      NDManager manager = ctx.getNDManager();
      NDList list = new NDList(inputs.length);
      for (ModelInput input : inputs) {
        Shape shape = new Shape(input.shape());
        NDArray array = input.floats() != null ? manager.create(input.floats(), shape) : manager.create(input.longs(), shape);
        array.setName(input.name());
        list.add(array);
      }
      return list;
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList outputs) {
      NDArray output = outputs.get(outputName);
      if (output == null && outputs.size() == 1) {
        output = outputs.singletonOrThrow();
      }
      if (output == null) {
        throw new EmbeddingException("Model has no output '" + outputName + "'; outputs: "
            + outputs.stream().map(NDArray::getName).collect(Collectors.joining(", ")));
      }
      return output.toFloatArray();
    }
  }
}
