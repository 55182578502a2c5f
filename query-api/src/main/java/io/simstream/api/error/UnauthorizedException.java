package io.simstream.api.error;

/** A missing or wrong bearer token. */
public final class UnauthorizedException extends ApiException {
  public UnauthorizedException(String message) {
    super(401, message);
  }
}
