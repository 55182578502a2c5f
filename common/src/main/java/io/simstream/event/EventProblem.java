package io.simstream.event;

import java.util.Objects;

/** One thing wrong with an event: its kind and a message for the dead letter. */
public record EventProblem(InvalidEventReason reason, String message) {
  public EventProblem {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  static EventProblem missing(String field) {
    return new EventProblem(InvalidEventReason.MISSING_FIELD, "missing field: " + field);
  }

  static EventProblem invalid(String message) {
    return new EventProblem(InvalidEventReason.INVALID_VALUE, message);
  }
}
