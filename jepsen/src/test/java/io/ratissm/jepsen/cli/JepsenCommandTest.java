package io.ratissm.jepsen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.nodes.Faketime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ratis-sm jepsen test} end to end: a short counter run under kills, its summary and exit code. */
class JepsenCommandTest {

    @Test
    void aValidCounterRunPrintsValidTrueAndTheStorePathAndExitsZero(@TempDir Path store) throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));

        int exit = cli.execute(
                "jepsen",
                "test",
                "--workload",
                "counter",
                "--nemesis",
                "kill",
                "--replication",
                "active",
                "--nodes",
                "3",
                "--concurrency",
                "4",
                "--time-limit",
                "16",
                "--fault-seconds",
                "5",
                "--heal-seconds",
                "3",
                "--recovery-seconds",
                "2",
                "--seed",
                "31",
                "--store",
                store.toString());

        assertThat(out.toString()).contains("counter-kill-active seed=31", "valid=true", "store: " + store);
        assertThat(exit).isZero();
        Path latest = store.resolve("latest");
        assertThat(Files.readString(latest.resolve("results.edn"))).startsWith("{:valid? true");
        assertThat(latest.resolve("history.edn")).isNotEmptyFile();
    }

    @Test
    void anUnknownWorkloadIsAUsageErrorWithExitCodeTwo() {
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("jepsen", "test", "--workload", "queue");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown workload 'queue'", "register, counter, set, bank");
    }

    @Test
    void theHelpNamesTheStorageFaults() {
        StringWriter out = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out, true));

        int exit = cli.execute("jepsen", "test", "--help");

        assertThat(exit).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains(
                        "disk-full (one replica's own filesystem is " + "filled",
                        "disk-full-leader",
                        "corrupt (one replica is killed",
                        "corrupt+disk-full");
    }

    @Test
    void clockFaultsWithoutLibfaketimeAreRefusedBeforeAnythingStarts(@TempDir Path store) {
        StringWriter err = new StringWriter();
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setErr(new PrintWriter(err, true));
        String before = System.getProperty(Faketime.PROPERTY);
        System.setProperty(Faketime.PROPERTY, "none");
        int exit;
        try {
            exit = cli.execute(
                    "jepsen",
                    "test",
                    "--workload",
                    "counter",
                    "--nemesis",
                    "kill,clock-rate",
                    "--store",
                    store.toString());
        } finally {
            if (before == null) {
                System.clearProperty(Faketime.PROPERTY);
            } else {
                System.setProperty(Faketime.PROPERTY, before);
            }
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .contains(
                        "clock faults need libfaketime",
                        "ratissm.jepsen.libfaketime=none",
                        "faults that need none: kill*, pause*, partition*, snapshot");
        assertThat(store).isEmptyDirectory();
    }
}
