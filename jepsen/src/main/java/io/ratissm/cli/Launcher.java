package io.ratissm.cli;

import io.ratissm.jepsen.cli.CheckCommand;
import io.ratissm.jepsen.cli.JepsenCommand;
import io.ratissm.cli.demo.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bin/ratis-sm} entry point: one command whose subcommands are the project's tools. It lives in the
 * jepsen module because that module depends on all the others.
 */
@Command(name = "ratis-sm", mixinStandardHelpOptions = true,
        subcommands = {Demo.class, ServerCommand.class, ClientCommand.class, AdminCommand.class, CheckCommand.class,
            JepsenCommand.class},
        description = "Replicated state machines on Apache Ratis.")
public final class Launcher {
    public static void main(String[] args) {
        // gRPC (inside Ratis) logs through java.util.logging; keep its start-up chatter off the console.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new Launcher()).execute(args));
    }
}
