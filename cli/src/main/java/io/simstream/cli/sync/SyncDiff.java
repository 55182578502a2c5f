package io.simstream.cli.sync;

import io.simstream.cli.source.BadInputException;
import io.simstream.cli.source.SourceSample;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what a source holds now with the listing of what was produced before: each sample is
 * new, changed (other content hash) or unchanged; what the listing has and the source no longer
 * has is gone. A sample id met twice in one source is bad input, since one of the two would be lost.
 */
public final class SyncDiff {
  /** What becomes of one sample of the source. */
  public enum Change { NEW, CHANGED, UNCHANGED }

  private final Map<String, String> previous;
  private final Map<String, String> seen = new HashMap<>();

  /** @param previous hash by sample id, as the listing holds it */
  public SyncDiff(Map<String, String> previous) {
    this.previous = previous;
  }

  public Change classify(SourceSample sample) throws BadInputException {
    String firstOrigin = seen.putIfAbsent(sample.sampleId(), sample.origin());
    if (firstOrigin != null) {
      throw new BadInputException(sample.origin() + ": sample id '" + sample.sampleId() + "' was already read at "
          + firstOrigin);
    }
    String hash = previous.get(sample.sampleId());
    if (hash == null) {
      return Change.NEW;
    }
    return hash.equals(sample.contentHash()) ? Change.UNCHANGED : Change.CHANGED;
  }

  /**
   * A source with no samples at all would have every listed sample deleted: far more often a wrong
   * path or an unmounted disk than a wish, so it is refused unless asked for.
   */
  public void refuseEmptySource(String source) throws BadInputException {
    if (seen.isEmpty() && !previous.isEmpty()) {
      throw new BadInputException(source + " holds no samples: --sync would delete all " + previous.size()
          + " samples produced before; check the input, or add --allow-empty to empty the dataset");
    }
  }

  /** Ids listed before and not met in the source; only meaningful once the whole source was read. */
  public List<String> gone() {
    Set<String> gone = new HashSet<>(previous.keySet());
    gone.removeAll(seen.keySet());
    return gone.stream().sorted().toList();
  }
}
