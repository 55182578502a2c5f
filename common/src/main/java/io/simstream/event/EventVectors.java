package io.simstream.event;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Marks a map of event vectors. Producers may send a vector as an array of numbers or as a base64
 * string of its float32 values in big-endian order (the form Elasticsearch 9.3+ also takes in bulk
 * requests). The codec writes the string: half the bytes of the decimal array on every topic the
 * event passes, and decoded without parsing hundreds of decimal numbers, which was most of the
 * indexer's CPU per event.
 */
@Retention(RetentionPolicy.RUNTIME)
@JacksonAnnotationsInside
@JsonSerialize(contentUsing = EventVectors.Writer.class)
@JsonDeserialize(contentUsing = EventVectors.Reader.class)
public @interface EventVectors {

  /** Writes each vector as its base64 string. */
  final class Writer extends StdSerializer<float[]> {
    public Writer() {
      super(float[].class);
    }

    /** The base64 form of a vector. */
    public static String toBase64(float[] vector) {
      ByteBuffer bytes = ByteBuffer.allocate(Float.BYTES * vector.length);
      bytes.asFloatBuffer().put(vector);
      return Base64.getEncoder().encodeToString(bytes.array());
    }

    @Override
    public void serialize(float[] vector, JsonGenerator generator, SerializerProvider provider) throws IOException {
      generator.writeString(toBase64(vector));
    }
  }

  /** Reads a vector written either way. */
  final class Reader extends StdDeserializer<float[]> {
    public Reader() {
      super(float[].class);
    }

    /** Standard base64, padded or not, as {@link Base64#getDecoder()} reads it. */
    private static final Base64Variant STANDARD = Base64Variants.MIME_NO_LINEFEEDS
        .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);
    private static final String NOT_A_VECTOR = "a vector given as a string must be base64 of big-endian float32 values";

    /**
     * Decodes the base64 form of a vector (also what Elasticsearch may hand back for a document
     * written that way).
     *
     * @throws IllegalArgumentException when the text is not base64 of whole float32 values
     */
    public static float[] fromBase64(String text) {
      try {
        return toFloats(Base64.getDecoder().decode(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(NOT_A_VECTOR + " (" + e.getMessage() + ")", e);
      }
    }

    private static float[] toFloats(byte[] bytes) {
      if (bytes.length % Float.BYTES != 0) {
        throw new IllegalArgumentException("a base64 vector must hold whole float32 values: " + bytes.length
            + " bytes is not a multiple of 4");
      }
      float[] vector = new float[bytes.length / Float.BYTES];
      ByteBuffer.wrap(bytes).asFloatBuffer().get(vector);
      return vector;
    }

    @Override
    public float[] deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() != JsonToken.VALUE_STRING) {
        return context.readValue(parser, float[].class);
      }
      try {
        // Decoded straight from the input buffer: no String of the whole text is built first.
        return toFloats(parser.getBinaryValue(STANDARD));
      } catch (StreamReadException | IllegalArgumentException e) {
        throw JsonMappingException.from(parser, NOT_A_VECTOR + " (" + e.getMessage() + ")", e);
      }
    }
  }
}
