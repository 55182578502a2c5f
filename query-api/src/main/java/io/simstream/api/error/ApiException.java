package io.simstream.api.error;

/**
 * A failure the client is told about: the HTTP status and a message naming the problem. Every
 * error leaves the API as {@code {"error": message, "status": status}} (see {@code ErrorResponses}).
 */
public class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public ApiException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
