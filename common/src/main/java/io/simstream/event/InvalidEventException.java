package io.simstream.event;

/** An event that cannot be indexed; the message is the reason written to the dead-letter topic. */
public final class InvalidEventException extends Exception {
  public InvalidEventException(String reason) {
    super(reason);
  }
}
