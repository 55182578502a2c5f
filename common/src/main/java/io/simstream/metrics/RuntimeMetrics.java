package io.simstream.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * JVM (memory pools, GC, threads, classes) and process (CPU, resident memory, uptime, open files) meters, the same
 * set in every simstream service so one dashboard row serves both. Close it to unhook the GC listeners.
 */
public final class RuntimeMetrics implements AutoCloseable {
  /**
   * The label on every meter of a simstream service, which tells its jvm_*, process_* and kafka_* series from
   * those of any other process the same Prometheus scrapes, whatever the scrape job is called.
   */
  public static final String APPLICATION_TAG = "application";
  private static final Path PROCESS_STATUS = Path.of("/proc/self/status");
  private static final String RESIDENT = "VmRSS:";

  /**
   * ProcessorMetrics meters whose Prometheus names `promtool check metrics` rejects (a nanosecond unit
   * in the name, a `_count` suffix on a gauge); CPU time is exported in seconds below instead.
   */
  private static final Set<String> LINT_FAILURES = Set.of("process.cpu.time", "system.cpu.count");

  private final JvmGcMetrics gc = new JvmGcMetrics();

  private RuntimeMetrics() {
  }

  /** The registry a service exports, every meter of it labelled {@link #APPLICATION_TAG}={@code application}. */
  public static PrometheusMeterRegistry registryFor(String application) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(APPLICATION_TAG, application);
    return registry;
  }

  public static RuntimeMetrics bindTo(MeterRegistry registry) {
    registry.config().meterFilter(MeterFilter.deny(id -> LINT_FAILURES.contains(id.getName())));
    RuntimeMetrics metrics = new RuntimeMetrics();
    new JvmMemoryMetrics().bindTo(registry);
    metrics.gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("process.cpu.seconds", os, bean -> bean.getProcessCpuTime() / 1e9)
          .description("CPU time used by this process").register(registry);
    }
    if (Files.isReadable(PROCESS_STATUS)) {
      // The heap is a part of it: RocksDB's and ONNX Runtime's native memory show only here.
      Gauge.builder("process.memory.rss", PROCESS_STATUS, RuntimeMetrics::residentBytes).baseUnit("bytes")
          .description("Resident memory of the process (Linux VmRSS)").register(registry);
    }
    return metrics;
  }

  static double residentBytes(Path status) {
    try (Stream<String> lines = Files.lines(status)) {
      return lines.filter(line -> line.startsWith(RESIDENT)).findFirst()
          .map(line -> Double.parseDouble(line.substring(RESIDENT.length()).trim().split("\\s+")[0]) * 1024)
          .orElse(Double.NaN);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    gc.close();
  }
}
