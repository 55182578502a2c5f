package io.simstream.embedding;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bytes of heap that the image decodes of one loader may hold at once. Each decode reserves its
 * estimated size before it starts and releases it once the image is preprocessed, so parallel
 * loader threads cannot together decode more than the heap holds.
 */
final class DecodeBudget {

  /** Permits are KiB, so a budget of many gigabytes still fits an int. */
  private static final long UNIT = 1024;

  private final long bytes;
  private final int permits;
  private final Semaphore available;

  DecodeBudget(long bytes) {
    if (bytes < UNIT) {
      throw new IllegalArgumentException("decode budget must be at least " + UNIT + " bytes, got " + bytes);
    }
    this.bytes = bytes;
    this.permits = (int) Math.min(Integer.MAX_VALUE, bytes / UNIT);
    this.available = new Semaphore(permits, true);
  }

  long bytes() {
    return bytes;
  }

  /**
   * Waits up to {@code wait} for {@code size} bytes; a size above the whole budget takes all of it,
   * so such a decode runs alone rather than never.
   */
  Lease reserve(long size, Duration wait) throws ImageLoadException {
    int wanted = (int) Math.max(1, Math.min(permits, (size + UNIT - 1) / UNIT));
    boolean granted;
    try {
      granted = available.tryAcquire(wanted, wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageLoadException(EmbeddingFailure.FETCH_FAILED, "interrupted while waiting for decode memory");
    }
    if (!granted) {
      throw new ImageLoadException(EmbeddingFailure.TIMEOUT, "no decode memory for " + size + " bytes within "
          + wait + " (budget " + bytes + " bytes, held by other images)");
    }
    AtomicBoolean open = new AtomicBoolean(true);
    return () -> {
      if (open.getAndSet(false)) {
        available.release(wanted);
      }
    };
  }

  /** A reservation, returned by closing it. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }
}
