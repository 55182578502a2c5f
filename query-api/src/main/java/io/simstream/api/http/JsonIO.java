package io.simstream.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.javalin.http.Context;
import io.simstream.api.error.BadRequestException;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/** Reads request bodies and writes responses with the project's one Jackson configuration. */
public final class JsonIO {
  private JsonIO() {
  }

  /** Parses the body; a missing or malformed body, or a field of the wrong type, is a 400 naming it. */
  public static <T> T read(Context ctx, Class<T> type) {
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0) {
      throw new BadRequestException("request body is missing: expected a JSON object");
    }
    try {
      T value = Json.MAPPER.readValue(body, type);
      if (value == null) {
        throw new BadRequestException("request body must be a JSON object, not null");
      }
      return value;
    } catch (MismatchedInputException e) {
      String field = e.getPath().isEmpty() ? "the body" : "field '" + e.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining(".")).replace(".[", "[") + "'";
      throw new BadRequestException("request body is not valid: " + field + " has the wrong type");
    } catch (JsonProcessingException e) {
      throw new BadRequestException("request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
