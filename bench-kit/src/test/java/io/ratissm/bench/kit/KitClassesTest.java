package io.ratissm.bench.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kit's jar holds no benchmark of its own: JMH lists every {@code META-INF/BenchmarkList} on the classpath, so a
 * user's {@code -l} would show the kit's besides the user's. The main classes (what the jar packs) are compiled
 * without JMH's annotation processor; only the tests' classes have generated benchmarks.
 */
class KitClassesTest {
    private static final Path MAIN_CLASSES = Path.of("target/classes");

    @Test
    void theKitsClassesCarryNoBenchmarkListAndNoGeneratedBenchmarkCode() throws Exception {
        assertThat(MAIN_CLASSES.resolve("io/ratissm/bench/kit/StateMachineBenchmark.class"))
                .as("the main classes, compiled")
                .isRegularFile();
        assertThat(MAIN_CLASSES.resolve("META-INF/BenchmarkList")).doesNotExist();
        try (Stream<Path> files = Files.walk(MAIN_CLASSES)) {
            assertThat(files.map(Path::toString)).noneMatch(f -> f.contains("jmh_generated"));
        }
        assertThat(Path.of("target/test-classes/META-INF/BenchmarkList"))
                .as("the tests' benchmark list (CounterBenchmark), which shows the processor runs where it should")
                .isRegularFile();
    }
}
