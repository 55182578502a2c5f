package io.simstream.api.model;

/** Turns a text prompt into a query vector in the same space as a model's image embeddings. */
@FunctionalInterface
public interface TextEmbedder {
  float[] embed(String prompt);
}
