package io.simstream.embedding.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the minified JavaScript object literal that TF.js bundles ship instead of JSON
 * (unquoted keys, {@code !0}/{@code !1} for booleans, numbers such as {@code .5}).
 * Objects become {@link Map}, arrays {@link List}, numbers {@link Double}.
 */
final class JsLiteralParser {

  private final String text;
  private int position;

  private JsLiteralParser(String text, int start) {
    this.text = text;
    this.position = start;
  }

  /** Parses the literal value that starts at {@code start}, ignoring whatever follows it. */
  static Object parse(String text, int start) {
    return new JsLiteralParser(text, start).value();
  }

  private Object value() {
    skipWhitespace();
    char c = text.charAt(position);
    if (c == '{') {
      return object();
    }
    if (c == '[') {
      return array();
    }
    if (c == '"' || c == '\'') {
      return string();
    }
    if (text.startsWith("!0", position)) {
      position += 2;
      return Boolean.TRUE;
    }
    if (text.startsWith("!1", position)) {
      position += 2;
      return Boolean.FALSE;
    }
    for (String word : new String[] {"true", "false", "null"}) {
      if (text.startsWith(word, position)) {
        position += word.length();
        return word.equals("null") ? null : Boolean.valueOf(word);
      }
    }
    return number();
  }

  private Map<String, Object> object() {
    Map<String, Object> map = new LinkedHashMap<>();
    position++;
    skipWhitespace();
    while (text.charAt(position) != '}') {
      String key = key();
      skipWhitespace();
      expect(':');
      map.put(key, value());
      skipWhitespace();
      if (text.charAt(position) == ',') {
        position++;
        skipWhitespace();
      }
    }
    position++;
    return map;
  }

  private List<Object> array() {
    List<Object> list = new ArrayList<>();
    position++;
    skipWhitespace();
    while (text.charAt(position) != ']') {
      list.add(value());
      skipWhitespace();
      if (text.charAt(position) == ',') {
        position++;
        skipWhitespace();
      }
    }
    position++;
    return list;
  }

  private String key() {
    char c = text.charAt(position);
    if (c == '"' || c == '\'') {
      return string();
    }
    int start = position;
    while (Character.isJavaIdentifierPart(text.charAt(position))) {
      position++;
    }
    if (start == position) {
      throw error("object key expected");
    }
    return text.substring(start, position);
  }

  private String string() {
    char quote = text.charAt(position++);
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = text.charAt(position++);
      if (c == quote) {
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char escaped = text.charAt(position++);
      switch (escaped) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'u' -> {
          sb.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
          position += 4;
        }
        default -> sb.append(escaped);
      }
    }
  }

  private Double number() {
    int start = position;
    while (position < text.length() && "+-.0123456789eE".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
    if (start == position) {
      throw error("value expected");
    }
    return Double.valueOf(text.substring(start, position));
  }

  private void expect(char c) {
    if (text.charAt(position) != c) {
      throw error("'" + c + "' expected");
    }
    position++;
  }

  private void skipWhitespace() {
    while (Character.isWhitespace(text.charAt(position))) {
      position++;
    }
  }

  private IllegalArgumentException error(String message) {
    int from = Math.max(0, position - 20);
    int to = Math.min(text.length(), position + 20);
    return new IllegalArgumentException(message + " at offset " + position + ": ..." + text.substring(from, to) + "...");
  }
}
