package io.simstream.api.model;

/** Turns an image a client sent (its file's bytes) into a query vector of a model's image tower. */
@FunctionalInterface
public interface ImageQueryEmbedder {
  /** @throws io.simstream.api.error.BadRequestException when the bytes are not an image the model can read */
  float[] embed(byte[] image);
}
