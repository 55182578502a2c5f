package io.simstream.api.error;

/** An unknown dataset, brain key, index or route. */
public final class NotFoundException extends ApiException {
  public NotFoundException(String message) {
    super(404, message);
  }
}
