package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java of README's "A state machine in ten lines" compiles as shown, against the project: a snippet that declares
 * a class is a source file of its own, any other is the body of a method; all get the same imports, which the README
 * leaves out, and nothing else.
 */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("../README.md");
    private static final String SECTION = "## A state machine in ten lines";
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");
    private static final Pattern CLASS = Pattern.compile("(?m)^public (?:final )?class (\\w+)");
    private static final String IMPORTS = """
            package readme;

            import com.google.protobuf.Message;
            import io.ratissm.*;
            import io.ratissm.statemachines.proto.*;
            import java.io.*;
            import java.nio.file.Path;

            """;

    @Test
    void theJavaOfTheTenLineSectionCompilesAsShown(@TempDir Path dir) throws IOException {
        List<String> snippets = snippets(Files.readString(README), SECTION);
        assertThat(snippets).as("java blocks under '%s'", SECTION).isNotEmpty();
        assertThat(snippets)
                .as("a class among them")
                .anyMatch(s -> CLASS.matcher(s).find());

        Map<String, String> sources = new LinkedHashMap<>();
        for (int i = 0; i < snippets.size(); i++) {
            String snippet = snippets.get(i);
            Matcher type = CLASS.matcher(snippet);
            if (type.find()) {
                sources.put("readme/" + type.group(1) + ".java", IMPORTS + snippet);
            } else {
                String name = "Snippet" + (i + 1);
                sources.put(
                        "readme/" + name + ".java",
                        IMPORTS + "class " + name + " {\n    static void run() throws Exception {\n" + snippet
                                + "    }\n}\n");
            }
        }

        assertThat(Javac.compile(dir, sources).resolve("readme")).isDirectoryContaining("glob:**/Counter.class");
    }

    @Test
    void theJavaOfTheShardedGroupsSectionCompilesAsShown(@TempDir Path dir) throws IOException {
        String section = "### Sharded groups";
        List<String> snippets = snippets(Files.readString(README), section);
        assertThat(snippets).as("java blocks under '%s'", section).hasSize(1);
        String source = """
                package readme;

                import com.google.protobuf.ByteString;
                import io.ratissm.*;
                import io.ratissm.shard.*;
                import io.ratissm.statemachines.KvStore;
                import io.ratissm.statemachines.proto.*;
                import java.nio.file.Path;
                import java.util.List;

                class Sharding {
                    static void run() throws Exception {
                """ + snippets.get(0) + "    }\n}\n";

        assertThat(Javac.compile(dir, Map.of("readme/Sharding.java", source)).resolve("readme"))
                .isDirectoryContaining("glob:**/Sharding.class");
    }

    /** The java blocks between the section's heading and the next heading of the same level. */
    private static List<String> snippets(String readme, String section) {
        int start = readme.indexOf(section);
        assertThat(start).as("README has a section '%s'", section).isNotNegative();
        String level = "\n" + section.substring(0, section.indexOf(' ') + 1);
        int end = readme.indexOf(level, start + section.length());
        int higher = section.startsWith("### ") ? readme.indexOf("\n## ", start + section.length()) : -1;
        if (higher >= 0 && (end < 0 || higher < end)) {
            end = higher;
        }
        Matcher block = JAVA_BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        List<String> snippets = new ArrayList<>();
        while (block.find()) {
            snippets.add(block.group(1));
        }
        return snippets;
    }
}
