package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ratissm.internal.proto.LogPosition;
import io.ratissm.internal.proto.SessionEntry;
import io.ratissm.internal.proto.SessionTableSnapshot;
import io.ratissm.internal.proto.SnapshotHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes of a snapshot file: what is written reads back whole, and a damaged file says what is wrong with it. */
class SnapshotFormatTest {
    private static final SnapshotHeader HEADER = SnapshotHeader.newBuilder()
            .setSessions(SessionTableSnapshot.newBuilder()
                    .setClockMillis(42)
                    .addSessions(SessionEntry.newBuilder().setSession(ByteString.copyFromUtf8("client-1"))))
            .setPassiveHead(LogPosition.newBuilder().setTerm(3).setIndex(17))
            .build();

    @TempDir
    Path dir;

    private static byte[] snapshot(SnapshotHeader header, String state) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SnapshotFormat.write(out, header, sm -> sm.write(state.getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

    private Path file(byte[] content) throws IOException {
        return Files.write(dir.resolve("snapshot.1_17"), content);
    }

    /** What a read gave the loader: the header and the state machine's bytes. */
    private record Loaded(SnapshotHeader header, String state) {}

    private static Loaded read(Path file) throws IOException {
        Loaded[] loaded = new Loaded[1];
        SnapshotFormat.read(
                file.toFile(),
                (header, in) -> loaded[0] = new Loaded(header, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        return loaded[0];
    }

    @Test
    void theHeaderAndTheStateMachineBytesReadBackAsWritten() throws Exception {
        Loaded loaded = read(file(snapshot(HEADER, "counter=7")));

        assertThat(loaded.header()).isEqualTo(HEADER);
        assertThat(loaded.state()).isEqualTo("counter=7");
    }

    @Test
    void anEmptyHeaderAndAnEmptyStateReadBackEmpty() throws Exception {
        Loaded loaded = read(file(snapshot(SnapshotHeader.getDefaultInstance(), "")));

        assertThat(loaded.header()).isEqualTo(SnapshotHeader.getDefaultInstance());
        assertThat(loaded.state()).isEmpty();
    }

    @Test
    void aStateMachineThatClosesTheStreamDoesNotCloseTheFrameworksFile() throws Exception {
        boolean[] closed = new boolean[1];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream file = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void close() {
                closed[0] = true;
            }
        };

        SnapshotFormat.write(file, HEADER, sm -> {
            sm.write("abc".getBytes(StandardCharsets.US_ASCII), 0, 3);
            sm.write('d');
            sm.close();
        });
        file.write("trailer".getBytes(StandardCharsets.US_ASCII));

        assertThat(closed[0]).isFalse();
        assertThat(read(file(bytes.toByteArray())).state()).isEqualTo("abcdtrailer");
    }

    @Test
    void aFileThatIsNotASnapshotIsRefusedByName() throws Exception {
        Path notOne = file("{\"counter\": 7}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> read(notOne))
                .isInstanceOf(IOException.class)
                .hasMessage("snapshot " + notOne + " is not a ratis-sm snapshot (bad header)");
    }

    @Test
    void anEmptyFileIsRefusedAsNotASnapshot() throws Exception {
        Path empty = file(new byte[0]);

        assertThatThrownBy(() -> read(empty)).isInstanceOf(IOException.class).hasMessageContaining("bad header");
    }

    @Test
    void aFileCutAfterTheMagicIsTruncated() throws Exception {
        Path cut = file(Arrays.copyOf(snapshot(HEADER, "counter=7"), 8));

        assertThatThrownBy(() -> read(cut))
                .isInstanceOf(IOException.class)
                .hasMessage("snapshot " + cut + " is truncated");
    }

    @Test
    void aFileCutInsideTheHeaderIsTruncatedAndSaysWhichFile() throws Exception {
        byte[] whole = snapshot(HEADER, "counter=7");
        Path cut = file(Arrays.copyOf(whole, 8 + HEADER.getSerializedSize() / 2));

        assertThatThrownBy(() -> read(cut))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("snapshot " + cut + " is truncated or corrupt: its header does not parse");
    }

    @Test
    void aHeaderWithGarbledBytesIsCorruptAndSaysWhichFile() throws Exception {
        byte[] garbled = snapshot(HEADER, "counter=7");
        // The byte after the magic and the header's length is the first field's tag: wire type 7 does not exist.
        garbled[9] = 0x0F;
        Path corrupt = file(garbled);

        assertThatThrownBy(() -> read(corrupt))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("snapshot " + corrupt + " is truncated or corrupt: its header does not parse")
                .hasMessageContaining("invalid wire type");
    }
}
