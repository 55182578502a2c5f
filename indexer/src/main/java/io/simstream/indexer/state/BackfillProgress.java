package io.simstream.indexer.state;

/**
 * How far the backfill of one run has come in one task's samples: the last sample key written,
 * how many samples were written and whether the whole key range is done.
 */
public record BackfillProgress(String lastKey, long count, boolean done) {
  public static final BackfillProgress START = new BackfillProgress(null, 0, false);

  public BackfillProgress advance(String key, long written) {
    return new BackfillProgress(key, count + written, false);
  }

  public BackfillProgress finished() {
    return new BackfillProgress(lastKey, count, true);
  }
}
