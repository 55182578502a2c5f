package io.simstream.api.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.simstream.api.error.BadRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Refuses, as a 400, the malformed URIs that Jetty lets through: a {@code %u} escape or broken
 * escape in a path segment (Javalin would fail decoding it, a 500), and in the query string a
 * malformed escape (Javalin would silently drop the parameter), invalid UTF-8 such as an encoded
 * unpaired surrogate, or %00. Runs before every other handler.
 */
public final class RequestUriCheck implements Handler {

  @Override
  public void handle(Context ctx) {
    problem(ctx.req().getRequestURI()).ifPresent(problem -> {
      throw new BadRequestException("malformed URI path: " + problem);
    });
    String query = ctx.queryString();
    if (query != null) {
      problem(query).ifPresent(problem -> {
        throw new BadRequestException("malformed query string: " + problem);
      });
    }
  }

  /** What is wrong with a raw (still percent-encoded) URI part, if anything. */
  static Optional<String> problem(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
      if (low < 0) {
        return Optional.of("'%' at character " + i + " does not start a two-hex-digit escape");
      }
      if (high == 0 && low == 0) {
        return Optional.of("%00 (NUL) at character " + i);
      }
      bytes.write(high * 16 + low);
      i += 2;
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return Optional.empty();
    } catch (CharacterCodingException e) {
      return Optional.of("the escapes do not decode to valid UTF-8 (an encoded unpaired surrogate?)");
    }
  }
}
