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
import java.io.OutputStream;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
        byte[] bytes = Base64.getDecoder().decode(text);
        return toFloats(bytes, bytes.length);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(NOT_A_VECTOR + " (" + e.getMessage() + ")", e);
      }
    }

    private static float[] toFloats(byte[] bytes, int length) {
      if (length % Float.BYTES != 0) {
        throw new IllegalArgumentException("a base64 vector must hold whole float32 values: " + length
            + " bytes is not a multiple of 4");
      }
      float[] vector = new float[length / Float.BYTES];
      ByteBuffer.wrap(bytes, 0, length).asFloatBuffer().get(vector);
      return vector;
    }

    /** A vector's decoded bytes, reused by each thread: per vector only its float[] is allocated. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch extends OutputStream {
      private byte[] bytes = new byte[8192];
      private int size;

      @Override
      public void write(int b) {
        grow(1);
        bytes[size++] = (byte) b;
      }

      @Override
      public void write(byte[] from, int offset, int length) {
        grow(length);
        System.arraycopy(from, offset, bytes, size, length);
        size += length;
      }

      private void grow(int more) {
        if (size + more > bytes.length) {
          bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + more));
        }
      }
    }

    @Override
    public float[] deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (parser.currentToken() != JsonToken.VALUE_STRING) {
        return context.readValue(parser, float[].class);
      }
      try {
        // Decoded straight from the input buffer into the thread's scratch: no String, no byte[] per vector.
        Scratch scratch = SCRATCH.get();
        scratch.size = 0;
        parser.readBinaryValue(STANDARD, scratch);
        return toFloats(scratch.bytes, scratch.size);
      } catch (StreamReadException | IllegalArgumentException e) {
        throw JsonMappingException.from(parser, NOT_A_VECTOR + " (" + e.getMessage() + ")", e);
      }
    }
  }
}
