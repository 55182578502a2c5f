package io.simstream.cli;

/** Exit statuses of every simstream command (documented in docs/cli.md). */
public final class ExitCode {
  private ExitCode() {
  }

  public static final int OK = 0;
  /** A server was unreachable or failed, or an unexpected error. */
  public static final int FAILURE = 1;
  /** Wrong options, bad input data, an invalid configuration, or a request the API refused (4xx). */
  public static final int BAD_INPUT = 2;
  /** Everything was sent, but {@code --wait} ran out of time before it was all searchable. */
  public static final int WAIT_TIMED_OUT = 3;
}
