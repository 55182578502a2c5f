package io.simstream.embedding;

/** One named input tensor for {@link OnnxSession}: float or int64 data in row-major order. */
record ModelInput(String name, long[] shape, float[] floats, long[] longs) {

  static ModelInput floats(String name, float[] data, long... shape) {
    return new ModelInput(name, shape, data, null);
  }

  static ModelInput longs(String name, long[] data, long... shape) {
    return new ModelInput(name, shape, null, data);
  }
}
