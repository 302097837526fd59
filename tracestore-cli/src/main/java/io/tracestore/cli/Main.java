package io.tracestore.cli;

import io.tracestore.api.TraceStoreException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tracestore} command. Exit codes: 0 success, 1 user error (bad arguments, bad input,
 * damaged data found by {@code verify}, storage that cannot be read or written), 2 internal error.
 */
@Command(
    name = "tracestore",
    mixinStandardHelpOptions = true,
    version = "tracestore 0.1.0-SNAPSHOT",
    description = "An embeddable trace store: OpenTelemetry spans in Parquet blocks.",
    subcommands = {DemoCommand.class, IngestCommand.class, QueryCommand.class, TraceCommand.class, BlocksCommand.class, CompactCommand.class, TagsCommand.Names.class, TagsCommand.Values.class, VerifyCommand.class})
public final class Main implements Runnable {
  /** Exit code for a user error. */
  static final int USER_ERROR = 1;
  /** Exit code for an internal error. */
  static final int INTERNAL_ERROR = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line wired with TraceStore's exit codes and error messages. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof UserException || e instanceof IllegalArgumentException || e instanceof TraceStoreException
          || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
        // bad input, damaged data, or storage that cannot be read: the message says which
        err.println("tracestore: " + firstLine(e.getMessage()));
        return USER_ERROR;
      }
      err.println("tracestore: internal error: " + e);
      e.printStackTrace(err);
      return INTERNAL_ERROR;
    });
    cl.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println("tracestore: " + e.getMessage());
      return USER_ERROR;
    });
    return cl;
  }

  /** User errors are one line; a TraceQL error's caret snippet follows its first line. */
  static String firstLine(String message) {
    if (message == null) {
      return "error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** A problem with the user's input: printed as one line, exit code 1. */
  static final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserException(String message) {
      super(message);
    }
  }
}
