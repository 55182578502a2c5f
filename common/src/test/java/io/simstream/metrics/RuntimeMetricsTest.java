package io.simstream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A service's registry labels every meter with the service, and exports the process's resident memory. */
class RuntimeMetricsTest {
  @Test
  void everyMeterCarriesTheApplicationAndResidentMemoryIsExported() {
    PrometheusMeterRegistry registry = RuntimeMetrics.registryFor("simstream-test");
    try (RuntimeMetrics ignored = RuntimeMetrics.bindTo(registry)) {
      String scrape = registry.scrape();

      assertThat(scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank()))
          .isNotEmpty().allMatch(line -> line.contains("application=\"simstream-test\""));
      Matcher rss = Pattern.compile("(?m)^process_memory_rss_bytes\\{[^}]*} (\\S+)$").matcher(scrape);
      assertThat(rss.find()).as(scrape).isTrue();
      // At least the heap this JVM has touched; a wrong unit (kB) would fall far below it.
      double used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      assertThat(Double.parseDouble(rss.group(1))).isGreaterThan(used);
    }
  }
}
