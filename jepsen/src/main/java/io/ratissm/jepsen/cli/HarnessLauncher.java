package io.ratissm.jepsen.cli;

import io.ratissm.cli.Launcher;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The source tree's {@code bin/ratis-sm} entry point: the distribution's {@link Launcher} commands plus the
 * harness's {@code check} and {@code jepsen}, which need the checker and chart libraries the distribution leaves out,
 * and {@code bench}, which needs the bench kit and JMH.
 */
public final class HarnessLauncher {
    private HarnessLauncher() {}

    public static void main(String[] args) {
        CommandLine commandLine = commandLineFor(args);
        // check talks to no replica, so it skips Launcher.run's java.util.logging set-up for gRPC, whose start costs
        // a cold JVM some 30 ms.
        System.exit(isCheck(args) ? commandLine.execute(args) : Launcher.run(commandLine, args));
    }

    private static boolean isCheck(String[] args) {
        return args.length > 0 && args[0].equals("check");
    }

    /** The launcher's command with the harness's subcommands added after the operator's tools. */
    public static CommandLine commandLine() {
        return new CommandLine(new Launcher())
                .addSubcommand(new CheckCommand())
                .addSubcommand(new JepsenCommand())
                .addSubcommand(new BenchCommand());
    }

    /**
     * The command line that runs {@code args}: for {@code check}, a {@code ratis-sm} command with {@code check} as its
     * only subcommand, because picocli builds the model of every subcommand up front and the operator's tools (their
     * settings tables and Ratis types) cost a cold JVM a few hundred milliseconds that a user who checks one history
     * at a time would wait for on every file; for anything else, {@link #commandLine()}.
     */
    public static CommandLine commandLineFor(String[] args) {
        if (!isCheck(args)) {
            return commandLine();
        }
        CommandSpec root = CommandSpec.create().name("ratis-sm").mixinStandardHelpOptions(true);
        return new CommandLine(root).addSubcommand(new CheckCommand());
    }
}
