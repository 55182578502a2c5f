package io.simstream.cli.produce;

/** Run in a child JVM by {@link ProgressTest}: writes what {@link Progress#stderrIsTerminal()} says of it. */
public final class StderrTerminalProbe {
  private StderrTerminalProbe() {
  }

  public static void main(String[] args) throws Exception {
    java.nio.file.Files.writeString(java.nio.file.Path.of(args[0]), String.valueOf(Progress.stderrIsTerminal()));
  }
}
