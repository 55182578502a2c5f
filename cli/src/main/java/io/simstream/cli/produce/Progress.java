package io.simstream.cli.produce;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Progress of a produce: samples read of the total, events sent per second and the time left. On
 * a terminal one line is redrawn in place; elsewhere (logs, CI) a plain line is printed now and then.
 */
final class Progress {
  private static final long REDRAW_NANOS = Duration.ofMillis(200).toNanos();
  private static final long LINE_NANOS = Duration.ofSeconds(5).toNanos();

  private final PrintWriter out;
  private final boolean terminal;
  private final long total;
  private final LongSupplier clock;
  private final long start;
  private long lastPrint;
  private long read;
  private long sent;

  Progress(PrintWriter out, boolean terminal, long total, LongSupplier nanoClock) {
    this.out = out;
    this.terminal = terminal;
    this.total = total;
    this.clock = nanoClock;
    this.start = nanoClock.getAsLong();
    this.lastPrint = start;
  }

  /**
   * Whether standard error, where progress goes, is a terminal. Java 17 tells that only of stdin and
   * stdout ({@code System.console()}), which redraws into a log given by {@code 2> file}; on Linux
   * the descriptor's link says it for stderr itself.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  void sampleRead(boolean eventSent) {
    read++;
    if (eventSent) {
      sent++;
    }
    long now = clock.getAsLong();
    if (now - lastPrint >= (terminal ? REDRAW_NANOS : LINE_NANOS)) {
      lastPrint = now;
      print(now);
    }
  }

  void eventSent() {
    sent++;
  }

  /** The final state, ending the redrawn line. */
  void finish() {
    print(clock.getAsLong());
    if (terminal) {
      out.println();
    }
  }

  double eventsPerSecond() {
    double seconds = (clock.getAsLong() - start) / 1e9;
    return seconds <= 0 ? 0 : sent / seconds;
  }

  String line(long now) {
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    StringBuilder line = new StringBuilder();
    line.append(String.format("%,d/%,d samples", read, total));
    if (total > 0) {
      line.append(String.format(" (%d%%)", Math.min(100, read * 100 / total)));
    }
    line.append(String.format(", %,.0f events/s", sent / seconds));
    if (read > 0 && read < total) {
      long left = (long) ((total - read) / (read / seconds));
      line.append(String.format(", ETA %d:%02d", left / 60, left % 60));
    }
    return line.toString();
  }

  private void print(long now) {
    if (terminal) {
      out.print("\r" + line(now) + "   ");
    } else {
      out.println(line(now));
    }
    out.flush();
  }
}
