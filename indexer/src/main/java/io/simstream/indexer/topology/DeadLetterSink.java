package io.simstream.indexer.topology;

/** Where records that cannot be indexed go (the dead-letter topic, through the processor context). */
@FunctionalInterface
interface DeadLetterSink {
  /**
   * @param source what the record came from: the change topic, or the index that refused it
   */
  void send(String key, byte[] value, DeadLetterKind kind, String detail, String source);
}
