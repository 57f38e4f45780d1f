package io.ratissm.jepsen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.TestData;
import io.ratissm.jepsen.history.EdnReader;
import io.ratissm.jepsen.history.EdnWriter;
import io.ratissm.jepsen.history.Keyword;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckCommandTest {
    private static final String GOOD = "knossos/cas-register/good/memstress3-0.edn";
    private static final String BAD = "knossos/cas-register/bad/rethink-fail-minimal.edn";

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = HarnessLauncher.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static String file(String relative) {
        return TestData.history(relative).toString();
    }

    @Test
    void printsOneLinePerFileAndExitsZeroWhenAllAreLinearizable() {
        int code = run("check", "--model", "cas-register", "--init", "0", file(GOOD));

        assertThat(code).isZero();
        assertThat(out.toString()).matches("\\Q" + file(GOOD) + "\\E valid=true ms=\\d+\\.\\d\\d\\R");
    }

    @Test
    void exitsOneWhenAnyFileIsNotLinearizable() {
        int code = run("check", "--model", "cas-register", "--init", "0", file(GOOD), file(BAD));

        assertThat(code).isEqualTo(1);
        assertThat(out.toString().lines()).hasSize(2).anyMatch(l -> l.startsWith(file(BAD) + " valid=false "));
    }

    @Test
    void exitsTwoAndExplainsWhenAFileCannotBeRead() throws IOException {
        Path broken = Files.writeString(tmp.resolve("broken.edn"), "[{:process 0, :type :invoke, :f :read");

        int code = run("check", "--model", "cas-register", file(GOOD), broken.toString());

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains(broken + " valid=unknown ms=0");
        assertThat(err.toString()).contains(broken + ": cannot check:").contains("map is not closed");
    }

    @Test
    void exitsTwoAndSaysWhyWhenAFileIsMissingOrADirectory() {
        Path missing = tmp.resolve("missing.edn");

        int code = run("check", "--model", "cas-register", file(GOOD), missing.toString(), tmp.toString());

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains(missing + " valid=unknown ms=0").contains(tmp + " valid=unknown ms=0");
        assertThat(err.toString())
                .contains(missing + ": cannot check: no such file")
                .contains(tmp + ": cannot check: ")
                .contains("Is a directory");
    }

    @Test
    void exitsTwoWhenTheTimeLimitIsReached() {
        int code = run("check", "--model", "cas-register", "--time-limit", "0.000000001", file("etcd/etcd_007.edn"));

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("valid=unknown");
        assertThat(err.toString()).contains("gave up: :timeout");
    }

    @Test
    void writesResultsAndTimelineForOneFileIntoOutDirectly() throws IOException {
        int code = run("check", "--model", "cas-register", "--init", "0", "--out", tmp.toString(), file(BAD));

        assertThat(code).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<Object, Object> results =
                (Map<Object, Object>) EdnReader.readOne(Files.readString(tmp.resolve("results.edn")));
        assertThat(results).containsEntry(Keyword.of("valid?"), false);
        assertThat(EdnWriter.write(results.get(Keyword.of("op"))))
                .contains(":process 1")
                .contains(":value 3");
        assertThat(Files.readString(tmp.resolve("timeline.html"))).contains("culprit");
    }

    @Test
    void writesOneSubdirectoryPerFileWhenSeveralAreChecked() {
        run("check", "--model", "cas-register", "--init", "0", "--out", tmp.toString(), file(GOOD), file(BAD));

        assertThat(tmp.resolve("memstress3-0/results.edn")).exists();
        assertThat(tmp.resolve("rethink-fail-minimal/timeline.html")).exists();
    }

    @Test
    void reportsTheMedianOfRepeatedRunsAndASummary() {
        int code = run("check", "--model", "kv", "--warmup", "1", "--repeat", "3", file("kv/c01-ok.txt"));

        assertThat(code).isZero();
        assertThat(err.toString()).contains("1 files, sum of median ms=").contains("warmup=1, repeat=3");
    }

    @Test
    void rejectsAnUnknownModelAsAUsageError() {
        int code = run("check", "--model", "queue", file(GOOD));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("unknown model 'queue'");
    }

    @Test
    void rejectsAnInitialValueThatIsNotEdn() {
        int code = run("check", "--model", "cas-register", "--init", "{:x", file(GOOD));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--init is not an EDN value: map key :x has no value");
    }

    @Test
    void theLauncherRunsCheckWithoutBuildingTheOtherCommandsAndWithTheSameResult() {
        String[] args = {"check", "--model", "cas-register", "--init", "0", file(GOOD), file(BAD)};
        CommandLine checkOnly = HarnessLauncher.commandLineFor(args);
        StringWriter checkOnlyOut = new StringWriter();
        checkOnly.setOut(new PrintWriter(checkOnlyOut));
        checkOnly.setErr(new PrintWriter(new StringWriter()));

        int code = checkOnly.execute(args);

        assertThat(checkOnly.getSubcommands()).containsOnlyKeys("check");
        assertThat(checkOnly.getSubcommands().get("check").getUsageMessage()).startsWith("Usage: ratis-sm check ");
        assertThat(HarnessLauncher.commandLineFor(new String[] {"server", "--help"})
                        .getSubcommands())
                .containsKeys("server", "client", "admin", "demo", "check", "jepsen");
        assertThat(code).isEqualTo(run(args));
        assertThat(withoutTimes(checkOnlyOut.toString())).isEqualTo(withoutTimes(out.toString()));
    }

    @Test
    void timingsSayWhereEachFilesTimeWent() {
        int code = run("check", "--model", "cas-register", "--init", "0", "--timings", file(GOOD));

        assertThat(code).isZero();
        assertThat(err.toString())
                .containsPattern("timings: JVM age at the command's start \\d+ ms")
                .containsPattern("timings: \\Q" + file(GOOD)
                        + "\\E read=\\d+\\.\\d\\d check=\\d+\\.\\d\\d cpu=\\d+\\.\\d\\d ms");
    }

    private static String withoutTimes(String output) {
        return output.replaceAll("ms=\\d+\\.\\d\\d", "ms=");
    }
}
