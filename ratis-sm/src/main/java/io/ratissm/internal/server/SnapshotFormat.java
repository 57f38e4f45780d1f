package io.ratissm.internal.server;

import io.ratissm.internal.proto.SnapshotHeader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * The snapshot file: a magic header, the framework's state (session table, passive chain), then the state
 * machine's own bytes, streamed both ways (the state is never one array). Integrity is checked by the MD5 file
 * Ratis keeps beside it.
 */
final class SnapshotFormat {
    private static final byte[] MAGIC = "RSMSNAP1".getBytes(StandardCharsets.US_ASCII);
    private static final int BUFFER = 1 << 16;

    /** Writes the parts of a snapshot. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Reads the parts of a snapshot. */
    interface Loader {
        void load(SnapshotHeader header, InputStream stateMachineBytes) throws IOException;
    }

    private SnapshotFormat() {
    }

    /** Writes {@code file} atomically: to a temporary file, fsync, then rename. */
    static void write(File file, SnapshotHeader header, Body stateMachine) throws IOException {
        File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
        try (FileOutputStream fos = new FileOutputStream(tmp);
             OutputStream out = new BufferedOutputStream(fos, BUFFER)) {
            out.write(MAGIC);
            header.writeDelimitedTo(out);
            stateMachine.writeTo(new NonClosing(out));
            out.flush();
            fos.getFD().sync();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp.toPath());
            throw e;
        }
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void read(File file, Loader loader) throws IOException {
        try (InputStream in = new BufferedInputStream(new FileInputStream(file), BUFFER)) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("snapshot " + file + " is not a ratis-sm snapshot (bad header); "
                        + "move it away to recover from the other replicas");
            }
            SnapshotHeader header = SnapshotHeader.parseDelimitedFrom(in);
            if (header == null) {
                throw new IOException("snapshot " + file + " is truncated");
            }
            loader.load(header, in);
        }
    }

    /** Keeps a state machine from closing the file under the framework. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
