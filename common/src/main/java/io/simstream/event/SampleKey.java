package io.simstream.event;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The Kafka key of a sample, {@code dataset/sampleId}: one sample, one partition, one order. */
public record SampleKey(String dataset, String sampleId) {
  private static final char SEPARATOR = '/';
  /** Dataset names become parts of index names and keys, so they are kept simple. */
  private static final Pattern DATASET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public static SampleKey parse(String key) {
    int at = key == null ? -1 : key.indexOf(SEPARATOR);
    if (at <= 0 || at == key.length() - 1) {
      throw new IllegalArgumentException("key '" + key + "' is not dataset/sampleId");
    }
    return new SampleKey(key.substring(0, at), key.substring(at + 1));
  }

  /** The prefix every key of a dataset starts with. */
  public static String prefixOf(String dataset) {
    return dataset + SEPARATOR;
  }

  /** {@link #isValidDatasetName} in words, for messages. */
  public static final String DATASET_NAME_RULE = "1-128 letters, digits, '.', '_' or '-', starting with a letter or digit";

  public static boolean isValidDatasetName(String dataset) {
    return dataset != null && DATASET_NAME.matcher(dataset).matches();
  }

  static List<EventProblem> problems(String dataset, String sampleId) {
    List<EventProblem> problems = new ArrayList<>();
    if (dataset == null || dataset.isBlank()) {
      problems.add(EventProblem.missing("dataset"));
    } else if (!isValidDatasetName(dataset)) {
      problems.add(EventProblem.invalid("dataset '" + dataset + "' must match " + DATASET_NAME.pattern()));
    }
    DocumentIds.problem("sampleId", sampleId).ifPresent(problems::add);
    return problems;
  }

  @Override
  public String toString() {
    return dataset + SEPARATOR + sampleId;
  }
}
