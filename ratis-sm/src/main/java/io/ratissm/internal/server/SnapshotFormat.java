package io.ratissm.internal.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.internal.proto.SnapshotHeader;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The snapshot file's content: a magic header, the framework's state (session table, passive chain), then the
 * state machine's own bytes, streamed both ways (the state is never one array). Where the bytes go, and how they
 * are made durable and checked, is {@link SnapshotFiles}'s.
 */
final class SnapshotFormat {
    private static final byte[] MAGIC = "RSMSNAP1".getBytes(StandardCharsets.US_ASCII);
    static final int BUFFER = 1 << 16;

    /** Writes the parts of a snapshot. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Reads the parts of a snapshot. */
    interface Loader {
        void load(SnapshotHeader header, InputStream stateMachineBytes) throws IOException;
    }

    private SnapshotFormat() {}

    /** Writes a snapshot to {@code out}, which stays open. */
    static void write(OutputStream out, SnapshotHeader header, Body stateMachine) throws IOException {
        out.write(MAGIC);
        header.writeDelimitedTo(out);
        stateMachine.writeTo(new NonClosing(out));
        out.flush();
    }

    static void read(File file, Loader loader) throws IOException {
        try (InputStream in = new BufferedInputStream(new FileInputStream(file), BUFFER)) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("snapshot " + file + " is not a ratis-sm snapshot (bad header)");
            }
            SnapshotHeader header;
            try {
                header = SnapshotHeader.parseDelimitedFrom(in);
            } catch (InvalidProtocolBufferException e) {
                throw new IOException(
                        "snapshot " + file + " is truncated or corrupt: its header does not parse (" + e.getMessage()
                                + ")",
                        e);
            }
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
