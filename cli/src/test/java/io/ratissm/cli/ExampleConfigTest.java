package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.ReplicaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's {@code conf/replica.properties}: every key it shows is one a replica accepts with the value
 * shown, and it shows every key of the README's table with the README's default.
 */
class ExampleConfigTest {
    private static final Path EXAMPLE = Path.of("src/main/dist/conf/replica.properties");
    private static final Path README = Path.of("../README.md");
    /** A commented-out setting, {@code # key = value}. */
    private static final Pattern COMMENTED = Pattern.compile("# ([a-z][a-z0-9.-]*) = (.*)");
    /** A row of the README's table of optional keys: its first two cells. */
    private static final Pattern README_ROW = Pattern.compile("\\| (`[^|]+`) \\| ([^|]*) \\|.*");

    @Test
    void theExampleLoadsWithEveryOptionalKeyUncommented(@TempDir Path dir) throws IOException {
        // The TLS files and the classpath are left commented: they name PEM files and jars this test does not make.
        String uncommented = Files.readAllLines(EXAMPLE).stream()
                .map(line -> COMMENTED.matcher(line).matches()
                                && !line.startsWith("# tls.")
                                && !line.startsWith("# classpath")
                        ? line.substring(2)
                        : line)
                .reduce("", (a, b) -> a + b + "\n");
        Path file = Files.writeString(dir.resolve("n1.properties"), uncommented);

        ReplicaConfig config = ReplicaConfig.load(file, BundledStateMachines.BY_NAME);

        assertThat(config.id()).isEqualTo("n1");
        assertThat(config.storage()).isEqualTo(dir.resolve("data/n1").toAbsolutePath());
        assertThat(config.stateMachineName()).isEqualTo("kv");
        assertThat(config.group()).isEqualTo("ratis-sm");
        assertThat(config.httpPort()).hasValue(9001);
        assertThat(config.ratisProperties()).containsEntry("raft.server.rpc.request.timeout", "5s");
    }

    @Test
    void theExampleShowsEveryKeyOfTheReadmeWithItsDefault() throws IOException {
        Map<String, String> example = new TreeMap<>();
        for (String line : Files.readAllLines(EXAMPLE)) {
            Matcher m = COMMENTED.matcher(line);
            if (m.matches()) {
                example.put(m.group(1), m.group(2));
            }
        }
        Map<String, String> readme = readmeDefaults();
        assertThat(readme).as("keys of README's table").containsKeys("group", "replication", "http.port", "tls.key");

        readme.forEach((key, readmeDefault) -> {
            String shown = key.equals("ratis.raft.*")
                    ? example.keySet().stream()
                            .filter(k -> k.startsWith("ratis.raft."))
                            .findFirst()
                            .orElse(null)
                    : example.get(key);
            assertThat(shown).as("the example shows %s", key).isNotNull();
            if (readmeDefault.startsWith("`")) {
                assertThat("`" + shown + "`").as("default of %s", key).isEqualTo(readmeDefault);
            }
        });
    }

    /** Key to default cell (trimmed) of the optional keys of README's settings table; a cell may name several keys. */
    private static Map<String, String> readmeDefaults() throws IOException {
        Map<String, String> defaults = new TreeMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(README)) {
            if (line.startsWith("| key | default |")) {
                inTable = true;
            } else if (inTable && line.isBlank() && !defaults.isEmpty()) {
                break;
            }
            Matcher m = README_ROW.matcher(line);
            if (inTable && m.matches() && !m.group(2).trim().equals("required")) {
                for (String key : m.group(1).split(",")) {
                    defaults.put(key.trim().replace("`", ""), m.group(2).trim());
                }
            }
        }
        return defaults;
    }
}
