package io.simstream.bench;

import java.util.Map;

/**
 * An index against the dataset it must equal: documents that should be there and are not (missing),
 * documents that should not be there (ghosts), and documents whose vector is not the last one sent.
 */
record IndexDiff(int expected, int indexed, int missing, int ghosts, int wrongVectors) {
  /** JSON floats written and read back: a tolerance for the text round trip, far below any real change. */
  private static final float TOLERANCE = 1e-5f;

  static final IndexDiff NONE = new IndexDiff(0, 0, 0, 0, 0);

  static IndexDiff of(Map<String, float[]> expected, Map<String, float[]> indexed) {
    int missing = 0;
    int wrong = 0;
    for (Map.Entry<String, float[]> want : expected.entrySet()) {
      float[] have = indexed.get(want.getKey());
      if (have == null) {
        missing++;
      } else if (!close(want.getValue(), have)) {
        wrong++;
      }
    }
    int ghosts = (int) indexed.keySet().stream().filter(id -> !expected.containsKey(id)).count();
    return new IndexDiff(expected.size(), indexed.size(), missing, ghosts, wrong);
  }

  boolean exact() {
    return missing == 0 && ghosts == 0 && wrongVectors == 0;
  }

  IndexDiff plus(IndexDiff other) {
    return new IndexDiff(expected + other.expected, indexed + other.indexed, missing + other.missing,
        ghosts + other.ghosts, wrongVectors + other.wrongVectors);
  }

  private static boolean close(float[] want, float[] have) {
    if (want.length != have.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (Math.abs(want[i] - have[i]) > TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return String.format("expected %d, indexed %d, missing %d, ghosts %d, wrong vectors %d", expected, indexed,
        missing, ghosts, wrongVectors);
  }
}
