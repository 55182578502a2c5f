package io.simstream.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads instants, the UTC form every producer of ours writes ({@code 2026-12-04T03:10:00.123Z}) by
 * hand: through {@code DateTimeFormatter} it was a quarter of the time the indexer spends decoding an
 * event. Any other form (an offset, a number) goes to Jackson's own {@link InstantDeserializer}.
 */
final class UtcInstantDeserializer extends StdScalarDeserializer<Instant> {
  private static final int[] SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

  UtcInstantDeserializer() {
    super(Instant.class);
  }

  @Override
  public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    if (parser.hasToken(JsonToken.VALUE_STRING)) {
      Instant utc = parseUtc(parser.getText());
      if (utc != null) {
        return utc;
      }
    }
    return InstantDeserializer.INSTANT.deserialize(parser, context);
  }

  /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for anything else. */
  static Instant parseUtc(String text) {
    int length = text.length();
    if (length < 20 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
        || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int fractionDigits = length == 20 ? 0 : length - 21; // between "ss." and "Z"
    if (length > 20 && (fractionDigits < 1 || fractionDigits > 9 || text.charAt(19) != '.')) {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int fraction = fractionDigits == 0 ? 0 : digits(text, 20, length - 1);
    if ((year | month | day | hour | minute | second | fraction) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, fraction * SCALE[fractionDigits])
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // out of range here (a leap second, day 31 of a short month): the formatter decides
    }
  }

  /** The decimal number in {@code [from, to)}, or -1 when a character is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      int digit = text.charAt(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      value = value * 10 + digit;
    }
    return value;
  }
}
