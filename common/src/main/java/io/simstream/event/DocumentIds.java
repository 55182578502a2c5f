package io.simstream.event;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Sample and label ids become Elasticsearch document ids, and Elasticsearch rejects a whole bulk
 * request when one of its ids is invalid, so such ids are refused when an event is read.
 */
public final class DocumentIds {
  /** Elasticsearch's limit on {@code _id}, in UTF-8 bytes. */
  public static final int MAX_UTF8_BYTES = 512;

  private DocumentIds() {
  }

  /** Why {@code id} cannot be a document id, or empty when it can; {@code field} names it in the message. */
  public static Optional<EventProblem> problem(String field, String id) {
    if (id == null || id.isBlank()) {
      return Optional.of(EventProblem.missing(field));
    }
    int surrogateAt = unpairedSurrogateAt(id);
    if (surrogateAt >= 0) {
      // Without a UTF-8 form, the id Elasticsearch stores would differ from the one we send.
      return Optional.of(new EventProblem(InvalidEventReason.INVALID_ID,
          field + " has an unpaired surrogate at index " + surrogateAt + " (not valid Unicode)"));
    }
    int bytes = id.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_UTF8_BYTES) {
      return Optional.of(new EventProblem(InvalidEventReason.INVALID_ID, field + " '" + id.substring(0, id.offsetByCodePoints(0, 32))
          + "...' has " + bytes + " bytes in UTF-8; Elasticsearch allows at most " + MAX_UTF8_BYTES));
    }
    return Optional.empty();
  }

  private static int unpairedSurrogateAt(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
