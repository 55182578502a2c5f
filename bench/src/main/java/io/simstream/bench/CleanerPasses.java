package io.simstream.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The broker's log cleaner passes that began while a load was timed, read from the lines its log gained
 * meanwhile. A pass copies a whole changelog partition at once (hundreds of MB once the warm-up has run), on
 * the CPU the broker shares with the indexer here, so a drain it falls into pays for history it did not write.
 */
final class CleanerPasses {
  static final String PASS_BEGINS = "Beginning cleaning of log ";

  private final Path brokerLog;
  private final long startBytes;

  private CleanerPasses(Path brokerLog, long startBytes) {
    this.brokerLog = brokerLog;
    this.startBytes = startBytes;
  }

  /** Marks the log's end now; {@link #since} reads from here. */
  static CleanerPasses from(Path brokerLog) {
    try {
      return new CleanerPasses(brokerLog, Files.size(brokerLog));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The topic partitions whose cleaning began since the mark, in order. */
  List<String> since() {
    try (RandomAccessFile file = new RandomAccessFile(brokerLog.toFile(), "r")) {
      byte[] appended = new byte[(int) Math.max(0, file.length() - startBytes)];
      file.seek(startBytes);
      file.readFully(appended);
      return new String(appended, StandardCharsets.UTF_8).lines()
          .filter(line -> line.contains(PASS_BEGINS))
          .map(line -> line.substring(line.indexOf(PASS_BEGINS) + PASS_BEGINS.length()).strip())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
