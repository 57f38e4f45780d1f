package io.ratissm.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.TestData;
import io.ratissm.jepsen.history.EdnReader;
import io.ratissm.jepsen.history.HistoryReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reference history in {@code histories/VERDICTS.tsv} (test resources) gets the verdict its origin
 * (Knossos, Porcupine) asserts, checked with the model and initial value listed there.
 */
class ReferenceVerdictsTest {
    private static final WglChecker CHECKER = new WglChecker(CheckOptions.defaults());

    static Stream<Arguments> verdicts() throws IOException {
        Path dir = TestData.historiesDir();
        List<String> lines = Files.readAllLines(dir.resolve("VERDICTS.tsv"));
        assertThat(lines).as("VERDICTS.tsv rows").hasSizeGreaterThan(100);
        return lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> {
            String[] cols = l.split("\t");
            return Arguments.of(cols[0], cols[1], cols[2]);
        });
    }

    @ParameterizedTest(name = "{0} is {1} as {2}")
    @MethodSource("verdicts")
    void referenceHistoryHasItsAssertedVerdict(String path, String expected, String modelColumn) throws IOException {
        Model model = modelFrom(modelColumn);

        CheckResult r = CHECKER.check(HistoryReader.read(TestData.history(path)), model);

        Verdict want = switch (expected) {
            case "linearizable" -> Verdict.LINEARIZABLE;
            case "not-linearizable" -> Verdict.NOT_LINEARIZABLE;
            default -> throw new AssertionError("unknown expected verdict '" + expected + "' for " + path);
        };
        assertThat(r.verdict()).as(path).isEqualTo(want);
    }

    /**
     * Column 3 is the model name then its initial value as EDN ({@code cas-register 0},
     * {@code multi-register {:x 0 :y 0}}); a parenthesised remark such as {@code (per key)} is not a value.
     */
    static Model modelFrom(String column) {
        String trimmed = column.trim();
        int space = trimmed.indexOf(' ');
        String name = space < 0 ? trimmed : trimmed.substring(0, space);
        String rest = space < 0 ? "" : trimmed.substring(space + 1).trim();
        boolean hasInitial = !rest.isEmpty() && !rest.startsWith("(");
        return Models.create(name, hasInitial, hasInitial ? EdnReader.readOne(rest) : null);
    }
}
