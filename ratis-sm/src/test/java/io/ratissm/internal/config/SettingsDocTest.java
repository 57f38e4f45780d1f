package io.ratissm.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The settings tables written in the README and in {@code ReplicaConfig}'s javadoc are the ones {@link SettingsDoc}
 * renders from {@link Settings}: a changed key, default, bound or doc line must be pasted into both.
 */
class SettingsDocTest {
    /** The tests run in the module's directory; the README is the repository's. */
    private static final Path README = Path.of("..", "README.md");

    private static final Path REPLICA_CONFIG = Path.of("src", "main", "java", "io", "ratissm", "ReplicaConfig.java");

    @Test
    void theReadmeTableIsTheRenderedTable() throws IOException {
        String readme = Files.readString(README);
        Matcher table = Pattern.compile("(?m)^\\| key \\| default \\| allowed \\| meaning \\|\\n(\\|.*\\n)+")
                .matcher(readme);
        assertThat(table.find())
                .as("README.md has a settings table headed '| key | default | allowed | meaning |'")
                .isTrue();
        assertThat(table.group())
                .as("README.md's settings table; paste this rendering of Settings there")
                .isEqualTo(SettingsDoc.markdown());
    }

    @Test
    void theReplicaConfigJavadocTableIsTheRenderedTable() throws IOException {
        String source = Files.readString(REPLICA_CONFIG);
        Matcher table =
                Pattern.compile("(?s) \\* <table>\\n.*? \\* </table>\\n").matcher(source);
        assertThat(table.find()).as("ReplicaConfig's javadoc has a <table>").isTrue();
        assertThat(normalized(table.group().replaceAll("(?m)^ \\*( |$)", "")))
                .as("ReplicaConfig's javadoc table; paste this rendering of Settings there (rows may wrap)")
                .isEqualTo(normalized(SettingsDoc.javadoc()));
    }

    @Test
    void everyDefaultIsWithinItsBoundAndReadsBackFromItsText() {
        for (Setting<?> setting : Settings.ALL) {
            assertDefaultRoundTrips(setting);
        }
    }

    private static <T extends Comparable<? super T>> void assertDefaultRoundTrips(Setting<T> setting) {
        setting.defaultValue()
                .ifPresent(value -> assertThat(setting.parse(setting.type().format(value)))
                        .as(setting.key())
                        .isEqualTo(value));
    }

    /** Javadoc rows may wrap anywhere: compare word by word, one row per line. */
    private static String normalized(String html) {
        return html.replaceAll("\\s+", " ").replace("<tr>", "\n<tr>").strip();
    }
}
