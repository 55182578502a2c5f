package io.simstream.api.http;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.Context;
import io.simstream.api.error.BadRequestException;
import io.simstream.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads request bodies strictly and writes responses with the project's Jackson configuration.
 * Requests are read with a stricter copy of it: an unknown or repeated field (or a field beside
 * its alias), a null inside an
 * array, a fraction for an integer or a number written as a string is a 400 naming the field, so
 * that a misspelt option (FiftyOne's {@code restrict_ids} before it became an alias) can never
 * run a different query than the one meant.
 */
public final class JsonIO {
  private static final ObjectMapper REQUESTS = strictReader();
  /** Per request type: each alias and the field it stands for. */
  private static final ClassValue<Map<String, String>> ALIASES = new ClassValue<>() {
    @Override
    protected Map<String, String> computeValue(Class<?> type) {
      Map<String, String> aliases = new HashMap<>();
      DeserializationConfig config = REQUESTS.getDeserializationConfig();
      for (BeanPropertyDefinition property : config.introspect(REQUESTS.constructType(type)).findProperties()) {
        for (PropertyName alias : property.findAliases()) {
          aliases.put(alias.getSimpleName(), property.getName());
        }
      }
      return Map.copyOf(aliases);
    }
  };

  private JsonIO() {
  }

  /** Parses the body of {@code ctx}; see {@link #parse}. */
  public static <T> T read(Context ctx, Class<T> type) {
    return parse(ctx.bodyAsBytes(), type);
  }

  /**
   * Parses a request body. Returns a value, or throws {@link BadRequestException} saying what is
   * wrong: never any other exception, whatever the bytes (a fuzz test holds it to that).
   */
  public static <T> T parse(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw new BadRequestException("request body is missing: expected a JSON object");
    }
    try {
      T value = REQUESTS.readValue(body, type);
      if (value == null) {
        throw new BadRequestException("request body must be a JSON object, not null");
      }
      refuseFieldBesideItsAlias(body, ALIASES.get(type));
      return value;
    } catch (ValueInstantiationException e) {
      // The request records check their own values in their constructors.
      if (e.getCause() instanceof BadRequestException bad) {
        throw bad;
      }
      throw new BadRequestException("request body is not valid: " + e.getOriginalMessage());
    } catch (UnrecognizedPropertyException e) {
      throw new BadRequestException("request body has an unknown " + field(e) + "; known fields: "
          + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
    } catch (InvalidNullException e) {
      throw new BadRequestException("request body is not valid: " + field(e) + " must not be null");
    } catch (MismatchedInputException e) {
      String where = e.getPath().isEmpty() ? "the body" : field(e);
      throw new BadRequestException("request body is not valid: " + where + " has the wrong type or value");
    } catch (JsonProcessingException e) {
      // Syntax errors (Jackson reports some of them wrapped as mapping errors), out-of-range numbers.
      throw new BadRequestException("request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Jackson binds a field and its alias to the same property, the last one winning: a body giving
   * both could run another query than the one meant. The body has parsed, so its top-level names
   * are read without error handling of their own.
   */
  private static void refuseFieldBesideItsAlias(byte[] body, Map<String, String> aliases) throws IOException {
    if (aliases.isEmpty()) {
      return;
    }
    Set<String> names = new HashSet<>();
    try (JsonParser parser = REQUESTS.getFactory().createParser(body)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        names.add(parser.currentName());
        parser.nextToken();
        parser.skipChildren();
      }
    }
    for (Map.Entry<String, String> alias : aliases.entrySet()) {
      if (names.contains(alias.getKey()) && names.contains(alias.getValue())) {
        throw new BadRequestException("request body gives both '" + alias.getValue() + "' and its alias '"
            + alias.getKey() + "': give one");
      }
    }
  }

  public static void write(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String field(JsonMappingException e) {
    List<JsonMappingException.Reference> path = e.getPath();
    return "field '" + path.stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[") + "'";
  }

  private static ObjectMapper strictReader() {
    ObjectMapper mapper = Json.MAPPER.copy()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      mapper.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    // Jackson reads 0 and 1 as booleans by default: "reverse": 1 would reverse a search silently.
    mapper.coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }
}
