package io.simstream.embedding;

/** A loaded image model that turns a batch of pixel tensors into vectors, on some engine. */
interface ImageTower extends AutoCloseable {
  float[] run(ModelInput... inputs);

  /** The batch size the engine was built for, or 0 when the batch is dynamic. */
  int fixedBatch();

  String engineName();

  @Override
  void close();
}
