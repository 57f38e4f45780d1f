package io.ratissm.jepsen.history;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a history the way Jepsen's store does: {@code history.edn} with one {@code prn}-style op map per line
 * (key order index, time, type, process, f, value, extras) and {@code history.txt} with one tab-separated line
 * per op ({@code process :type :f value [error]}). Both read back with {@link HistoryReader} (the EDN) and in
 * Jepsen tooling.
 */
public final class HistoryWriter {
    private HistoryWriter() {}

    /** The {@code history.edn} text of {@code history}. */
    public static String toEdn(History history) {
        StringBuilder sb = new StringBuilder();
        for (Op op : history.ops()) {
            EdnWriter.write(sb, op.toEdnMap());
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The {@code history.txt} text of {@code history}. */
    public static String toText(History history) {
        StringBuilder sb = new StringBuilder();
        for (Op op : history.ops()) {
            EdnWriter.write(sb, op.process());
            sb.append('\t').append(op.type().keyword()).append('\t');
            EdnWriter.write(sb, op.f());
            sb.append('\t');
            EdnWriter.write(sb, op.value());
            if (op.extras().containsKey(Op.ERROR)) {
                sb.append('\t');
                EdnWriter.write(sb, op.extra(Op.ERROR));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code history.edn} and {@code history.txt} into {@code dir}, creating it if needed. */
    public static void writeStore(History history, Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("history.edn"), toEdn(history));
        write(dir.resolve("history.txt"), toText(history));
    }

    private static void write(Path file, String text) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(text);
        }
    }
}
