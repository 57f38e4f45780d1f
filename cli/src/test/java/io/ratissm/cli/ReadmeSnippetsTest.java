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
        List<String> snippets = snippets(Files.readString(README));
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

    /** The java blocks between the section's heading and the next heading of the same level. */
    private static List<String> snippets(String readme) {
        int start = readme.indexOf(SECTION);
        assertThat(start).as("README has a section '%s'", SECTION).isNotNegative();
        int end = readme.indexOf("\n## ", start + SECTION.length());
        Matcher block = JAVA_BLOCK.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        List<String> snippets = new ArrayList<>();
        while (block.find()) {
            snippets.add(block.group(1));
        }
        return snippets;
    }
}
