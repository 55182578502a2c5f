package io.simstream.bench;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One measured figure, with the ceiling it is compared with where there is one. For throughputs the
 * comparison is the ratio value / ceiling; for latencies it is the difference value - ceiling.
 *
 * @param headline   shown in the chart and the summary's first table
 * @param comparison ratio or difference, null without a ceiling
 * @param target     the goal in words, e.g. "ratio >= 0.9"; null when there is none
 * @param met        whether the goal was met; null when there is none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Figure(String name, Kind kind, String unit, double value, String ceilingName, Double ceiling,
                     Double comparison, String target, Boolean met, boolean headline) {

  public enum Kind { THROUGHPUT, LATENCY, QUALITY, RESOURCE }

  /** The unit of a yes/no figure: value 1 is yes, 0 is no. */
  static final String YES_NO = "yes/no";

  static Figure throughput(String name, String unit, double value, String ceilingName, double ceiling,
                           double minRatio) {
    double ratio = value / ceiling;
    return new Figure(name, Kind.THROUGHPUT, unit, value, ceilingName, ceiling, ratio, "ratio >= " + minRatio,
        ratio >= minRatio, true);
  }

  static Figure latency(String name, double valueMs, String ceilingName, double ceilingMs, String target,
                        Boolean met) {
    return new Figure(name, Kind.LATENCY, "ms", valueMs, ceilingName, ceilingMs, valueMs - ceilingMs, target, met,
        true);
  }

  static Figure of(String name, Kind kind, String unit, double value) {
    return new Figure(name, kind, unit, value, null, null, null, null, null, false);
  }

  Figure withTarget(String goal, boolean isMet) {
    return new Figure(name, kind, unit, value, ceilingName, ceiling, comparison, goal, isMet, headline);
  }

  Figure asHeadline() {
    return new Figure(name, kind, unit, value, ceilingName, ceiling, comparison, target, met, true);
  }
}
