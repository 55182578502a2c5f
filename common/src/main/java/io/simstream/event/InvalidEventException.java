package io.simstream.event;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An event that cannot be indexed. {@link #reason()} is the kind of its first problem; the message,
 * written to the dead-letter topic, lists every problem.
 */
public final class InvalidEventException extends Exception {
  private final List<EventProblem> problems;

  public InvalidEventException(List<EventProblem> problems) {
    super(problems.stream().map(EventProblem::message).collect(Collectors.joining("; ")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid event has at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public InvalidEventException(InvalidEventReason reason, String message) {
    this(List.of(new EventProblem(reason, message)));
  }

  public InvalidEventReason reason() {
    return problems.get(0).reason();
  }

  public List<EventProblem> problems() {
    return problems;
  }
}
