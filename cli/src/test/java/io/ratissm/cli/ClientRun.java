package io.ratissm.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs {@code ratis-sm client} in this JVM against a group's replicas, as a shell would, and keeps what it printed. */
final class ClientRun {
    private ClientRun() {}

    /** What one run printed, as UTF-8 text, and its exit code. */
    record Result(int exit, String out, String err) {}

    /** {@code client --peers PEERS --timeout TIMEOUT ARGS...}. */
    static Result run(String peers, String timeout, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--peers";
        all[1] = peers;
        all[2] = "--timeout";
        all[3] = timeout;
        System.arraycopy(args, 0, all, 4, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new ClientCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)))
                .execute(all);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
