package io.simstream.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds {@code SIMSTREAM_*} environment variables that no setting reads, so that a typo such as
 * {@code SIMSTREAM_API_TOKN} is reported at start instead of leaving the API without a token. Unknown names are
 * warnings, not errors: an environment may legitimately carry variables of other tools. {@code SIMSTREAM_KAFKA_*}
 * names are left to {@link KafkaClientProperties}, which refuses the ones that name no Kafka client property.
 */
final class UnknownVariables {
  private static final String PREFIX = "SIMSTREAM_";

  private UnknownVariables() {
  }

  /** One warning per unknown name, in name order, suggesting the closest known name when one is close. */
  static List<String> warnings(Collection<String> environmentNames, Set<String> knownNames) {
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(environmentNames)) {
      if (name.startsWith(PREFIX) && !name.startsWith(KafkaClientProperties.ENV_PREFIX)
          && !knownNames.contains(name)) {
        String warning = name + " is not a simstream setting and is ignored";
        String closest = closest(name, knownNames);
        warnings.add(closest == null ? warning : warning + "; did you mean " + closest + "?");
      }
    }
    return warnings;
  }

  private static String closest(String name, Set<String> knownNames) {
    String suffix = name.substring(PREFIX.length());
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : new TreeSet<>(knownNames)) {
      int distance = editDistance(suffix, known.substring(PREFIX.length()));
      if (distance < bestDistance) {
        best = known;
        bestDistance = distance;
      }
    }
    // Beyond about a third of the name, a "suggestion" is a different setting rather than a typo of it.
    return bestDistance <= Math.max(2, suffix.length() / 3) ? best : null;
  }

  /** Levenshtein distance: insertions, deletions and substitutions, one each. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
