package io.simstream.api.error;

/** The request contradicts existing state (a taken brain key, an index with another mapping). */
public final class ConflictException extends ApiException {
  public ConflictException(String message) {
    super(409, message);
  }
}
