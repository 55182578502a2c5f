package io.simstream.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;
import java.util.Set;

/**
 * JVM (memory pools, GC, threads, classes) and process (CPU, uptime, open files) meters, the same set
 * in every simstream service so one dashboard row serves both. Close it to unhook the GC listeners.
 */
public final class RuntimeMetrics implements AutoCloseable {
  /**
   * ProcessorMetrics meters whose Prometheus names `promtool check metrics` rejects (a nanosecond unit
   * in the name, a `_count` suffix on a gauge); CPU time is exported in seconds below instead.
   */
  private static final Set<String> LINT_FAILURES = Set.of("process.cpu.time", "system.cpu.count");

  private final JvmGcMetrics gc = new JvmGcMetrics();

  private RuntimeMetrics() {
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
    return metrics;
  }

  @Override
  public void close() {
    gc.close();
  }
}
