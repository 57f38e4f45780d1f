package io.ratissm.jepsen;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Shared test fixtures: the reference histories in the test resources ({@code src/test/resources/histories}, with
 * their origins and licences in its README) and a shorthand for writing small histories inline.
 */
public final class TestData {
    private TestData() {}

    /** The reference history directory, as Maven copied it onto the test classpath. */
    public static Path historiesDir() {
        URL verdicts = TestData.class.getResource("/histories/VERDICTS.tsv");
        if (verdicts == null) {
            throw new AssertionError(
                    "histories/VERDICTS.tsv is not on the test classpath (src/test/resources/histories)");
        }
        try {
            return Path.of(verdicts.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new AssertionError("unusable test resource location " + verdicts, e);
        }
    }

    /** A reference history by its path relative to {@link #historiesDir()}, e.g. {@code etcd/etcd_007.edn}. */
    public static Path history(String relative) {
        return historiesDir().resolve(relative);
    }

    /** Parses a history from EDN op maps, one per line or as a vector. */
    public static History parse(String edn) {
        return HistoryReader.parse(edn);
    }
}
