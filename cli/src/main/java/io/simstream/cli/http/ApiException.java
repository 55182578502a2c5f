package io.simstream.cli.http;

/** The query API answered an error; the message is the API's own {@code error} text. */
public final class ApiException extends Exception {
  private final int status;

  public ApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** A 4xx: the request itself was wrong (unknown run, bad vector, ...). */
  public boolean isClientError() {
    return status >= 400 && status < 500;
  }
}
