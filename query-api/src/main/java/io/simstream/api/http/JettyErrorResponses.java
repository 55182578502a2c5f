package io.simstream.api.http;

import io.simstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals in the API's error shape {@code {"error": "...", "status": N}} instead of
 * its HTML pages. Two kinds reach here: requests Jetty parsed but will not hand to the
 * application (an unpaired surrogate or truncated UTF-8 in the path), answered on a connection
 * that stays open; and request lines it cannot parse at all (a malformed percent-escape, %00, a
 * URI over the 8 KiB request-header limit), where Jetty's parser has lost its place in the stream
 * and closes the connection after the answer.
 */
public final class JettyErrorResponses extends ErrorHandler {

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                  Callback callback) {
    if (HttpStatus.hasNoBody(code)) {
      callback.succeeded();
      return;
    }
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
    return ByteBuffer.wrap(body(status, reason));
  }

  static String describe(int status, String reason) {
    String detail = reason == null || reason.isBlank() || reason.equals(HttpStatus.getMessage(status)) ? ""
        : ": " + reason;
    return switch (status) {
      case HttpStatus.BAD_REQUEST_400 -> "malformed HTTP request (check the URI's percent-encoding; %00 and "
          + "encoded unpaired surrogates are refused)" + detail;
      case HttpStatus.URI_TOO_LONG_414 -> "request URI too long: the request line and headers must fit in 8 KiB"
          + detail;
      case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431 -> "request headers too large: they must fit in 8 KiB"
          + detail;
      default -> HttpStatus.getMessage(status) + detail;
    };
  }

  private static byte[] body(int status, String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", describe(status, reason));
    body.put("status", status);
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
