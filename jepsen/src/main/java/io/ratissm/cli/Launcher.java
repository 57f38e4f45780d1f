package io.ratissm.cli;

import io.ratissm.jepsen.cli.CheckCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bin/ratis-sm} entry point: a picocli command whose subcommands are the project's tools. Minimal on
 * this branch (only {@code check}); other subcommands are registered here as they arrive.
 */
@Command(name = "ratis-sm", mixinStandardHelpOptions = true, subcommands = {CheckCommand.class},
    description = "Replicated state machines on Apache Ratis: tools.")
public final class Launcher {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Launcher()).execute(args));
  }
}
