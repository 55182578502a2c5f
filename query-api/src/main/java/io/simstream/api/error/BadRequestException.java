package io.simstream.api.error;

/** The request is malformed or names something invalid. */
public final class BadRequestException extends ApiException {
  public BadRequestException(String message) {
    super(400, message);
  }
}
