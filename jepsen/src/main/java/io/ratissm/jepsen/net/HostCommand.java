package io.ratissm.jepsen.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one short host command ({@code ip}, {@code iptables}, {@code kill}) and waits for it. A command that
 * fails raises {@link NetworkSetupException} with its output, because a half-built network or a partition that
 * silently did not apply would make every later verdict meaningless.
 */
public final class HostCommand {
    private static final long TIMEOUT_SECONDS = 30;

    private HostCommand() {}

    /** Runs {@code command}; returns its standard output. */
    public static String run(String... command) {
        return run(List.of(command));
    }

    /** Runs {@code command}; returns its standard output. */
    public static String run(List<String> command) {
        Result r = attempt(command);
        if (r.exitCode != 0) {
            throw new NetworkSetupException(
                    "'" + String.join(" ", command) + "' failed with exit code " + r.exitCode + ": " + r.output.trim());
        }
        return r.output;
    }

    /** Runs {@code command} and reports whether it succeeded, for clean-up steps that may find nothing to do. */
    public static boolean tryRun(String... command) {
        return attempt(List.of(command)).exitCode == 0;
    }

    /** True if this process runs as root (needed for namespaces, packet filters and mounts). */
    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name")) || tryRun("sh", "-c", "test $(id -u) = 0");
    }

    /** True if {@code program} can be found on the PATH (or under /usr/sbin, /sbin). */
    public static boolean available(String program) {
        try {
            return attempt(List.of(
                                    "sh",
                                    "-c",
                                    "command -v " + program + " || test -x /usr/sbin/" + program + " || test -x /sbin/"
                                            + program))
                            .exitCode
                    == 0;
        } catch (NetworkSetupException e) {
            return false;
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result attempt(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NetworkSetupException(
                        "'" + String.join(" ", command) + "' did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new NetworkSetupException("cannot run '" + String.join(" ", command) + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkSetupException("interrupted while running '" + String.join(" ", command) + "'");
        }
    }
}
