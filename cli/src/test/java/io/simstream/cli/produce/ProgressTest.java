package io.simstream.cli.produce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void reportsRateAndTimeLeftFromItsClock() {
    AtomicLong clock = new AtomicLong();
    Progress progress = new Progress(new PrintWriter(new StringWriter()), false, 1000, clock::get);
    for (int i = 0; i < 250; i++) {
      progress.sampleRead(i % 5 != 0);
    }
    clock.set(10 * SECOND);

    assertThat(progress.line(clock.get())).isEqualTo("250/1,000 samples (25%), 20 events/s, ETA 0:30");
  }

  @Test
  void printsPlainLinesWhenNotOnATerminalAndRedrawsOnOne() {
    AtomicLong clock = new AtomicLong();
    StringWriter plain = new StringWriter();
    Progress lines = new Progress(new PrintWriter(plain), false, 2, clock::get);
    lines.sampleRead(true);
    clock.set(6 * SECOND);
    lines.sampleRead(true);
    lines.finish();
    assertThat(plain.toString().lines()).hasSize(2).allMatch(line -> !line.contains("\r"));

    StringWriter terminal = new StringWriter();
    Progress bar = new Progress(new PrintWriter(terminal), true, 2, clock::get);
    clock.set(7 * SECOND);
    bar.sampleRead(true);
    bar.finish();
    assertThat(terminal.toString()).startsWith("\r").contains("1/2 samples (50%)").endsWith(System.lineSeparator());
  }
}
