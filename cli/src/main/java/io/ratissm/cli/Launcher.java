package io.ratissm.cli;

import io.ratissm.cli.demo.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The distribution's {@code bin/ratis-sm} entry point: one command whose subcommands are the operator's tools,
 * {@code demo}, {@code server}, {@code client} and {@code admin}. The Jepsen harness adds its own subcommands to
 * this command for the source tree's launcher, so the list is kept here only.
 */
@Command(
        name = "ratis-sm",
        mixinStandardHelpOptions = true,
        subcommands = {Demo.class, ServerCommand.class, ClientCommand.class, AdminCommand.class},
        description = "Replicated state machines on Apache Ratis.")
public final class Launcher {
    public static void main(String[] args) {
        System.exit(run(new CommandLine(new Launcher()), args));
    }

    /** Runs {@code args} on {@code commandLine}, a {@code Launcher} perhaps with more subcommands: the exit code. */
    public static int run(CommandLine commandLine, String[] args) {
        // gRPC (inside Ratis) logs through java.util.logging; keep its start-up chatter off the console.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        return commandLine.execute(args);
    }
}
