package io.simstream.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for request lines no HTTP client would send (malformed escapes,
 * overlong URIs) and to see whether the server keeps the connection open afterwards.
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;

  RawHttp(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(30_000);
      in = socket.getInputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A response; headers keyed in lower case. */
  record Response(int status, Map<String, String> headers, String body) {
  }

  /** Sends {@code GET target}, sent byte for byte as given, and reads the answer. */
  Response get(String target) {
    return get(target, "X-Test: 1");
  }

  /** The same with one more header line, also sent as given. */
  Response get(String target, String header) {
    try {
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + header + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String statusLine = line();
      Map<String, String> headers = new LinkedHashMap<>();
      for (String field = line(); !field.isEmpty(); field = line()) {
        int colon = field.indexOf(':');
        headers.put(field.substring(0, colon).trim().toLowerCase(Locale.ROOT), field.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server closed the connection (end of stream before any further byte). */
  boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-response");
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
