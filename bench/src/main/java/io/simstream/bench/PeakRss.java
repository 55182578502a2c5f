package io.simstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The peak resident set of a process, VmHWM from /proc/PID/status, sampled every second so that the
 * last value survives the process dying (of an OutOfMemoryError, say).
 */
final class PeakRss implements AutoCloseable {
  private final long pid;
  private final Thread thread;
  private volatile long peakKb;
  private volatile boolean running = true;

  PeakRss(long pid) {
    this.pid = pid;
    this.thread = new Thread(this::sample, "peak-rss-" + pid);
    thread.setDaemon(true);
    thread.start();
  }

  double peakMb() {
    read();
    return peakKb / 1024.0;
  }

  private void sample() {
    while (running) {
      read();
      Searchable.sleep(1_000);
    }
  }

  private synchronized void read() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          peakKb = Math.max(peakKb, Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    } catch (IOException gone) {
      // The process has exited: the last sample stands.
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(2_000);
  }
}
