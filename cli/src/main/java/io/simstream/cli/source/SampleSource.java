package io.simstream.cli.source;

/** Where samples come from. Reading twice gives the same samples with the same ids, in the same order. */
public interface SampleSource {
  /** Receives samples one at a time, so a source of any size is never held in memory; may fail with E. */
  @FunctionalInterface
  interface SampleSink<E extends Exception> {
    void accept(SourceSample sample) throws BadInputException, E;
  }

  /** What is read, for messages, e.g. {@code folder /data/cars}. */
  String describe();

  /** A cheap first pass for the progress line's total. */
  long count() throws BadInputException;

  <E extends Exception> void read(SampleSink<E> sink) throws BadInputException, E;
}
