package io.simstream.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * The distance metrics of a similarity index, with the Elasticsearch similarity each maps to and
 * how the Elasticsearch score turns back into the metric's own distance.
 */
public enum Metric {
  /** Distance = 1 - cosine similarity (0 = same direction, 2 = opposite). Score = (1 + cos) / 2. */
  COSINE("cosine", "cosine", false, true),
  /** Vectors are normalised on write and query; distance reported = dot product. Score = (1 + dot) / 2. */
  DOTPRODUCT("dotproduct", "dot_product", true, false),
  /** Distance = Euclidean distance. Score = 1 / (1 + d^2). */
  EUCLIDEAN("euclidean", "l2_norm", false, true),
  /** Distance reported = inner product. Score = 1 / (1 - dot) when dot < 0, else dot + 1. */
  INNERPRODUCT("innerproduct", "max_inner_product", false, false);

  private final String apiName;
  private final String esSimilarity;
  private final boolean normalizesVectors;
  private final boolean smallerIsCloser;

  Metric(String apiName, String esSimilarity, boolean normalizesVectors, boolean smallerIsCloser) {
    this.apiName = apiName;
    this.esSimilarity = esSimilarity;
    this.normalizesVectors = normalizesVectors;
    this.smallerIsCloser = smallerIsCloser;
  }

  @JsonValue
  public String apiName() {
    return apiName;
  }

  public String esSimilarity() {
    return esSimilarity;
  }

  /** dot_product in Elasticsearch requires unit vectors, so this metric normalises them. */
  public boolean normalizesVectors() {
    return normalizesVectors;
  }

  /** True for real distances (cosine, euclidean), false for similarities (the two products). */
  public boolean smallerIsCloser() {
    return smallerIsCloser;
  }

  @JsonCreator
  public static Metric fromApiName(String name) {
    String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(m -> m.apiName.equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown metric '" + name + "', expected one of "
            + Arrays.stream(values()).map(Metric::apiName).toList()));
  }

  public static Metric fromEsSimilarity(String similarity) {
    return Arrays.stream(values()).filter(m -> m.esSimilarity.equals(similarity)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unsupported Elasticsearch similarity '" + similarity + "'"));
  }

  /** Turns an Elasticsearch knn score into this metric's distance (see each constant). */
  public double distanceFromScore(double score) {
    return switch (this) {
      case COSINE -> 2.0 - 2.0 * score;
      case DOTPRODUCT -> 2.0 * score - 1.0;
      case EUCLIDEAN -> Math.sqrt(Math.max(0.0, 1.0 / score - 1.0));
      case INNERPRODUCT -> score < 1.0 ? 1.0 - 1.0 / score : score - 1.0;
    };
  }

  /** The same distance computed exactly from two vectors (both already normalised if required). */
  public double distance(float[] a, float[] b) {
    return switch (this) {
      case COSINE -> 1.0 - VectorMath.dot(a, b) / (VectorMath.norm(a) * VectorMath.norm(b));
      case DOTPRODUCT, INNERPRODUCT -> VectorMath.dot(a, b);
      case EUCLIDEAN -> Math.sqrt(VectorMath.squaredDistance(a, b));
    };
  }
}
