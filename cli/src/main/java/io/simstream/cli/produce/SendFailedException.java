package io.simstream.cli.produce;

/** Kafka did not take an event; {@link #acknowledged()} events were taken before it. */
final class SendFailedException extends Exception {
  private final long acknowledged;

  SendFailedException(String message, long acknowledged, Throwable cause) {
    super(message, cause);
    this.acknowledged = acknowledged;
  }

  long acknowledged() {
    return acknowledged;
  }
}
