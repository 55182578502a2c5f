package io.simstream.indexer.topology;

import io.simstream.kafka.CompactedTopicView;
import io.simstream.run.DatasetRecord;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datasets topic as a catalog. A miss waits once for the view to catch up before answering no:
 * producers register a dataset before sending its events, so this gives read-your-writes.
 */
public final class TopicDatasetCatalog implements DatasetCatalog, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicDatasetCatalog.class);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

  private final CompactedTopicView<DatasetRecord> view;

  public TopicDatasetCatalog(CompactedTopicView<DatasetRecord> view) {
    this.view = view;
  }

  @Override
  public boolean isKnown(String dataset) {
    if (view.get(dataset).isPresent()) {
      return true;
    }
    try {
      view.awaitCaughtUp(CATCH_UP_TIMEOUT);
    } catch (TimeoutException e) {
      // Saying "unknown" would dead-letter a good event; failing restarts the task from its last commit.
      throw new IllegalStateException("the datasets view did not catch up: " + e.getMessage(), e);
    }
    boolean known = view.get(dataset).isPresent();
    if (!known) {
      LOG.debug("Dataset {} is not registered", dataset);
    }
    return known;
  }

  @Override
  public void close() {
    view.close();
  }
}
