package io.simstream.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Reads and writes change events as JSON, rejecting events that cannot be indexed. */
public final class ChangeEventCodec {
  private ChangeEventCodec() {
  }

  public static byte[] encode(ChangeEvent event) {
    try {
      return Json.MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses and validates one event; the exception's reason and message say what is wrong. */
  public static ChangeEvent decode(byte[] bytes) throws InvalidEventException {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidEventException(InvalidEventReason.EMPTY, "empty event");
    }
    ChangeEvent event;
    try {
      event = Json.MAPPER.readValue(bytes, ChangeEvent.class);
    } catch (IOException e) {
      throw new InvalidEventException(InvalidEventReason.UNPARSEABLE, "unparseable event: " + firstLine(e.getMessage()));
    }
    if (event == null) {
      throw new InvalidEventException(InvalidEventReason.EMPTY, "empty event: the value is JSON null");
    }
    List<EventProblem> problems = event.problems();
    if (!problems.isEmpty()) {
      throw new InvalidEventException(problems);
    }
    return event;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
