package io.ratissm.jepsen;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shared test fixtures: the reference histories in {@code shared/testdata/histories} and a shorthand for
 * writing small histories inline.
 */
public final class TestData {
  private TestData() {}

  /**
   * The reference history directory, found by walking up from the working directory (Maven runs tests in
   * {@code <repo>/jepsen}; CI clones {@code shared/} next to the repo) and looking for
   * {@code shared/testdata/histories} beside each ancestor. Fails, never skips, when it is absent.
   */
  public static Path historiesDir() {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/testdata/histories");
      if (Files.isRegularFile(candidate.resolve("VERDICTS.tsv"))) {
        return candidate;
      }
    }
    throw new AssertionError("shared/testdata/histories/VERDICTS.tsv not found in " + start
        + " or any ancestor; clone the shared test data next to the repository (<repo>/../shared)");
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
