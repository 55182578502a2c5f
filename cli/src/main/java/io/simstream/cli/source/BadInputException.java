package io.simstream.cli.source;

/** Input that cannot become events; the message names the file and the line or entry. */
public final class BadInputException extends Exception {
  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
