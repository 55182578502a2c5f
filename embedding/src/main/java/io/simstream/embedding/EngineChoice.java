package io.simstream.embedding;

/** Which inference engine runs the image tower. */
public enum EngineChoice {
  /** TensorRT when a CUDA GPU is visible and TensorRT loads, otherwise ONNX Runtime on CPU. */
  AUTO,
  /** ONNX Runtime on CPU. */
  CPU,
  /** TensorRT (FP16); falls back to CPU with one warning when it cannot be loaded. */
  TENSORRT
}
