package io.simstream.embedding.onnx;

/**
 * Minimal protobuf wire-format reader that walks the fields of one message and can copy any field
 * verbatim, so a message can be rewritten without a schema for the parts left unchanged.
 */
public final class ProtoReader {

  private final byte[] buffer;
  private final int end;
  private int position;
  private int fieldStart;
  private int valueStart;
  private int valueEnd;
  private int field;
  private int wireType;
  private long varintValue;

  public ProtoReader(byte[] buffer) {
    this(buffer, 0, buffer.length);
  }

  public ProtoReader(byte[] buffer, int offset, int length) {
    this.buffer = buffer;
    this.position = offset;
    this.end = offset + length;
  }

  /** Moves to the next field; false at the end of the message. */
  public boolean next() {
    if (position >= end) {
      return false;
    }
    fieldStart = position;
    long tag = readVarint();
    field = (int) (tag >>> 3);
    wireType = (int) (tag & 7);
    switch (wireType) {
      case 0 -> {
        valueStart = position;
        varintValue = readVarint();
      }
      case 1 -> {
        valueStart = position;
        position += 8;
      }
      case 2 -> {
        int length = Math.toIntExact(readVarint());
        valueStart = position;
        position += length;
      }
      case 5 -> {
        valueStart = position;
        position += 4;
      }
      default -> throw new IllegalArgumentException("Unsupported protobuf wire type " + wireType);
    }
    if (position > end) {
      throw new IllegalArgumentException("Truncated protobuf message");
    }
    valueEnd = position;
    return true;
  }

  public int field() {
    return field;
  }

  public int wireType() {
    return wireType;
  }

  public long varint() {
    return varintValue;
  }

  /** Returns a reader over the current length-delimited field (an embedded message). */
  public ProtoReader message() {
    return new ProtoReader(buffer, valueStart, valueEnd - valueStart);
  }

  public byte[] bytes() {
    byte[] copy = new byte[valueEnd - valueStart];
    System.arraycopy(buffer, valueStart, copy, 0, copy.length);
    return copy;
  }

  /** Copies the current field, tag included, unchanged. */
  public void copyTo(ProtoWriter writer) {
    writer.raw(buffer, fieldStart, valueEnd - fieldStart);
  }

  private long readVarint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= end) {
        throw new IllegalArgumentException("Truncated protobuf varint");
      }
      byte b = buffer[position++];
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("Malformed protobuf varint");
  }
}
