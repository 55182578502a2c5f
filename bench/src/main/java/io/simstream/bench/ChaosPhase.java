package io.simstream.bench;

/** One disruption of the chaos case; phases run in this order, each ending with a convergence check. */
public enum ChaosPhase {
  /** kill -9 of the indexer at random moments, restarted at once each time. */
  KILLS("kills", false),
  /** The Elasticsearch node stopped and started again on its data, behind a proxy that keeps its address. */
  ELASTICSEARCH_RESTART("elasticsearch-restart", true),
  /** The broker stopped and started again on its data and ports. */
  BROKER_RESTART("broker-restart", true),
  /** A second indexer joins, then the first is killed mid-stream and not restarted. */
  TWO_INSTANCES("two-instances", false);

  private final String label;
  private final boolean restartsServers;

  ChaosPhase(String label, boolean restartsServers) {
    this.label = label;
    this.restartsServers = restartsServers;
  }

  public String label() {
    return label;
  }

  /** Such a phase needs servers of the case's own, since the bench's shared ones serve the other cases. */
  boolean restartsServers() {
    return restartsServers;
  }
}
