package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.ReplicaConfig;
import io.ratissm.internal.config.Setting;
import io.ratissm.internal.config.Settings;
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
 * shown, and it shows every key of the settings table (which README's table is checked against) with its default.
 */
class ExampleConfigTest {
    private static final Path EXAMPLE = Path.of("src/main/dist/conf/replica.properties");
    /** A commented-out setting, {@code # key = value}. */
    private static final Pattern COMMENTED = Pattern.compile("# ([a-z][a-z0-9.-]*) = (.*)");
    /** A setting, {@code key = value}, not commented out. */
    private static final Pattern SET = Pattern.compile("([a-z][a-z0-9.-]*) *= *(.*)");

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
    void theExampleShowsEveryKeyOfTheSettingsTableWithItsDefault() throws IOException {
        Map<String, String> commented = new TreeMap<>();
        Map<String, String> set = new TreeMap<>();
        for (String line : Files.readAllLines(EXAMPLE)) {
            Matcher m = COMMENTED.matcher(line);
            Matcher s = SET.matcher(line);
            if (m.matches()) {
                commented.put(m.group(1), m.group(2).trim());
            } else if (s.matches()) {
                set.put(s.group(1), s.group(2).trim());
            }
        }
        assertThat(Settings.ALL).as("the settings table").hasSizeGreaterThan(10);
        for (Setting<?> setting : Settings.ALL) {
            if (setting.isRequired()) {
                assertThat(set)
                        .as("the example sets the required %s", setting.key())
                        .containsKey(setting.key());
                continue;
            }
            String shown = commented.get(setting.key());
            assertThat(shown).as("the example shows %s", setting.key()).isNotNull();
            setting.defaultValue()
                    .ifPresent(d -> assertThat((Object) setting.parse(shown))
                            .as("the default of %s", setting.key())
                            .isEqualTo(d));
        }
        assertThat(commented.keySet()).as("a raw Ratis property").anyMatch(k -> k.startsWith("ratis.raft."));
    }
}
