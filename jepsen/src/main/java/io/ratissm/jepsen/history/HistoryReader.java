package io.ratissm.jepsen.history;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a history from the formats Jepsen and Porcupine write:
 *
 * <ul>
 *   <li>Jepsen/Knossos EDN: one vector or list of op maps (Knossos {@code data/}),</li>
 *   <li>Jepsen {@code history.edn}: one op map per line,</li>
 *   <li>Porcupine's {@code kv} logs: one op map per line with a separate {@code :key}, kept as an extra
 *       that the {@code kv} model partitions by.</li>
 * </ul>
 *
 * <p>Only the shape is checked here; pairing and its rules live in {@link PairedHistory}.
 */
public final class HistoryReader {
    private HistoryReader() {}

    /**
     * Reads a history file.
     *
     * @throws IOException if the file cannot be read
     * @throws MalformedHistoryException if it is not a history (the message names the file)
     */
    public static History read(Path file) throws IOException {
        byte[] text = readBytes(file);
        try {
            return parse(new EdnReader(text));
        } catch (MalformedHistoryException e) {
            throw new MalformedHistoryException(file + ": " + e.getMessage());
        }
    }

    /**
     * The file's bytes. On the default file system through a {@link FileInputStream}: a cold JVM's first
     * {@code Files.readAllBytes} loads and links some 25 channel classes, several milliseconds of the first check.
     */
    private static byte[] readBytes(Path file) throws IOException {
        if (file.getFileSystem() != FileSystems.getDefault()) {
            return Files.readAllBytes(file);
        }
        try (InputStream in = new FileInputStream(file.toFile())) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            if (Files.notExists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            throw e;
        }
    }

    /** Parses history text in any of the supported formats. */
    public static History parse(String text) {
        return parse(new EdnReader(text));
    }

    private static History parse(EdnReader reader) {
        List<Object> forms = reader.readAll();
        List<?> elements = forms;
        if (forms.size() == 1 && forms.get(0) instanceof List<?> list) {
            elements = list;
        }
        List<Op> ops = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            ops.add(Op.fromEdn(elements.get(i), i));
        }
        return new History(ops);
    }
}
