package io.simstream.api.dataset;

import io.simstream.api.error.BadRequestException;
import io.simstream.api.error.NotFoundException;
import io.simstream.api.registry.KeyValueStore;
import io.simstream.event.SampleKey;
import io.simstream.run.DatasetRecord;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;

/**
 * Registers datasets on the datasets topic. The indexer dead-letters change events of datasets
 * that are not registered, and runs can only be created for registered datasets.
 */
public final class DatasetService {
  private final KeyValueStore<DatasetRecord> datasets;
  private final Clock clock;

  public DatasetService(KeyValueStore<DatasetRecord> datasets, Clock clock) {
    this.datasets = datasets;
    this.clock = clock;
  }

  /** The outcome of a registration: the record and whether this call created it. */
  public record Registration(DatasetRecord dataset, boolean created) {
  }

  /** Idempotent: registering an existing dataset returns its record unchanged. */
  public synchronized Registration register(String name) {
    if (!SampleKey.isValidDatasetName(name)) {
      throw new BadRequestException("dataset name '" + name + "' is invalid: use " + SampleKey.DATASET_NAME_RULE);
    }
    return datasets.get(name).map(existing -> new Registration(existing, false)).orElseGet(() -> {
      DatasetRecord record = new DatasetRecord(name, clock.instant());
      datasets.put(name, record);
      return new Registration(record, true);
    });
  }

  public List<DatasetRecord> list() {
    return datasets.snapshot().values().stream().sorted(Comparator.comparing(DatasetRecord::name)).toList();
  }

  public DatasetRecord require(String name) {
    return datasets.get(name).orElseThrow(() -> new NotFoundException("dataset '" + name + "' is not registered"));
  }
}
