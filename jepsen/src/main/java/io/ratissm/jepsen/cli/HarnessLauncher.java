package io.ratissm.jepsen.cli;

import io.ratissm.cli.Launcher;
import picocli.CommandLine;

/**
 * The source tree's {@code bin/ratis-sm} entry point: the distribution's {@link Launcher} commands plus the
 * harness's {@code check} and {@code jepsen}, which need the checker and chart libraries the distribution leaves out,
 * and {@code bench}, which needs the bench kit and JMH.
 */
public final class HarnessLauncher {
    private HarnessLauncher() {}

    public static void main(String[] args) {
        System.exit(Launcher.run(commandLine(), args));
    }

    /** The launcher's command with the harness's subcommands added after the operator's tools. */
    public static CommandLine commandLine() {
        return new CommandLine(new Launcher())
                .addSubcommand(new CheckCommand())
                .addSubcommand(new JepsenCommand())
                .addSubcommand(new BenchCommand());
    }
}
