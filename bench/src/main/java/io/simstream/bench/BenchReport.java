package io.simstream.bench;

import java.time.Instant;
import java.util.List;

/**
 * A whole bench run: where and how it ran, and every case's result. The load averages show whether
 * other work shared the machine: figures and ceilings of one run share it alike, absolute figures do not.
 */
public record BenchReport(Instant startedAt, String scale, String machine, String elasticsearchVersion,
                          String kafkaVersion, double wallSeconds, double loadAverageAtStart,
                          double loadAverageAtEnd, List<CaseResult> cases) {
}
