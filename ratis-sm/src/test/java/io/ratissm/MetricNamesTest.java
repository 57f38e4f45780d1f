package io.ratissm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The metric names OPERATIONS.md promises are exactly the public constants, and the other way round. */
class MetricNamesTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|");

    /** The names in the table under the heading {@code heading} of OPERATIONS.md (this module's). */
    private static List<String> documented(String heading) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("OPERATIONS.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf(heading);
        assertThat(start).as("OPERATIONS.md has the heading %s", heading).isNotNegative();
        List<String> names = new ArrayList<>();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
            Matcher row = ROW.matcher(lines.get(i));
            if (row.find()) {
                names.add(row.group(1));
            }
        }
        return names;
    }

    private static List<String> constants(Class<?> holder) {
        return Arrays.stream(holder.getDeclaredFields())
                .filter(f -> Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers()))
                .map(MetricNamesTest::value)
                .toList();
    }

    private static String value(Field f) {
        try {
            return (String) f.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyReplicaMetricOperationsListsIsAPublicConstantAndViceVersa() throws IOException {
        List<String> documented = documented("#### Replica: `ratissm.*`");

        assertThat(documented).isNotEmpty().doesNotHaveDuplicates();
        assertThat(constants(MetricNames.Replica.class)).containsExactlyInAnyOrderElementsOf(documented);
    }

    @Test
    void everyClientMetricOperationsListsIsAPublicConstantAndViceVersa() throws IOException {
        List<String> documented = documented("#### Client: `ratissm.client.*`");

        assertThat(documented).isNotEmpty().doesNotHaveDuplicates();
        assertThat(constants(MetricNames.Client.class)).containsExactlyInAnyOrderElementsOf(documented);
    }
}
