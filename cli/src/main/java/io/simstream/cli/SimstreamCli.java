package io.simstream.cli;

import io.simstream.cli.http.ApiException;
import io.simstream.cli.produce.ProduceCommand;
import io.simstream.cli.query.QueryCommand;
import io.simstream.cli.runs.RunsCommand;
import io.simstream.cli.source.BadInputException;
import io.simstream.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code simstream} command. */
@Command(name = "simstream", mixinStandardHelpOptions = true, version = "simstream 0.1.0",
    description = "Produce sample changes from image folders, manifests and COCO files; manage similarity runs; query.",
    subcommands = {ProduceCommand.class, RunsCommand.class, QueryCommand.class, CommandLine.HelpCommand.class})
public final class SimstreamCli {
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line with the given output streams and returns its exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new SimstreamCli());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("simstream: " + message(e));
      return exitCodeOf(e);
    });
    return commandLine.execute(args);
  }

  static int exitCodeOf(Exception e) {
    if (e instanceof BadInputException || e instanceof ConfigException) {
      return ExitCode.BAD_INPUT;
    }
    if (e instanceof ApiException api && api.isClientError()) {
      return ExitCode.BAD_INPUT;
    }
    return ExitCode.FAILURE;
  }

  private static String message(Exception e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
