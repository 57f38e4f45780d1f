package io.ratissm.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.jepsen.history.Keyword;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogOutputStream;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the corrupt nemesis writes into a replica's files, checked against Ratis's own reader: segments are written by
 * Ratis's {@link SegmentedRaftLogOutputStream} (with the zero-filled preallocated space of an open segment) and read
 * back with {@link LogSegment#readSegmentFile}, as a replica reads its log at start.
 */
class StorageDamageTest {
    private static final long FIRST = 100;
    private static final int ENTRIES = 20;

    @TempDir
    Path storage;

    @Test
    void theEntriesFoundAreTheOnesRatisReads() throws IOException {
        Path segment = writeSegment("log_inprogress_" + FIRST, FIRST, ENTRIES);

        List<StorageDamage.Frame> frames = StorageDamage.frames(segment);

        assertThat(frames)
                .extracting(StorageDamage.Frame::index)
                .containsExactlyElementsOf(ratisReads(segment).indexes());
        assertThat(frames).hasSize(ENTRIES);
        assertThat(Files.size(segment))
                .as("preallocated beyond the last entry")
                .isGreaterThan(frames.get(ENTRIES - 1).end());
    }

    @Test
    void aFlippedByteInsideAnEntryChangesOnlyThatByteAndRatisStopsReadingAtThatEntry() throws IOException {
        Path segment = writeSegment("log_inprogress_" + FIRST, FIRST, ENTRIES);
        byte[] before = Files.readAllBytes(segment);
        List<StorageDamage.Frame> frames = StorageDamage.frames(segment);

        Map<Keyword, Object> done = StorageDamage.flipInEntry(segment, new Random(3));

        assertThat(done.get(Keyword.of("kind"))).isEqualTo(Keyword.of("log-flip"));
        assertThat(done.get(Keyword.of("file"))).isEqualTo(segment.toString());
        long offset = (Long) done.get(Keyword.of("offset"));
        long index = (Long) done.get(Keyword.of("index"));
        StorageDamage.Frame frame = frames.get((int) (index - FIRST));
        assertThat(offset)
                .as("inside the entry's bytes")
                .isBetween(frame.payloadStart(), frame.payloadStart() + frame.payloadLength() - 1);
        assertOnlyByteChanged(before, Files.readAllBytes(segment), offset, done);

        Read read = ratisReads(segment);
        assertThat(read.failure()).as("Ratis reading %s", segment).isNotNull();
        assertThat(read.failure().getMessage()).contains("Log entry corrupted");
        assertThat(read.indexes()).as("entries read before the damaged one").hasSize((int) (index - FIRST));
    }

    @Test
    void aTruncationCutsInsideOneOfTheLastEntriesAndRatisReadsTheEntriesBeforeIt() throws IOException {
        Path segment = writeSegment("log_inprogress_" + FIRST, FIRST, ENTRIES);
        long sizeBefore = Files.size(segment);
        List<StorageDamage.Frame> frames = StorageDamage.frames(segment);

        Map<Keyword, Object> done = StorageDamage.truncateInEntry(segment, new Random(5));

        long from = (Long) done.get(Keyword.of("from-index"));
        long cut = (Long) done.get(Keyword.of("size-after"));
        StorageDamage.Frame f = frames.get((int) (from - FIRST));
        assertThat(done.get(Keyword.of("kind"))).isEqualTo(Keyword.of("log-truncate"));
        assertThat(done.get(Keyword.of("size-before"))).isEqualTo(sizeBefore);
        assertThat(Files.size(segment)).isEqualTo(cut);
        assertThat(cut).as("strictly inside the entry").isGreaterThan(f.start()).isLessThan(f.end());
        assertThat(from).isGreaterThanOrEqualTo(FIRST + ENTRIES - StorageDamage.TRUNCATE_WITHIN_LAST);
        assertThat(done.get(Keyword.of("entries-lost"))).isEqualTo(FIRST + ENTRIES - from);

        Read read = ratisReads(segment);
        assertThat(read.failure())
                .as("an entry cut short is dropped, not an error")
                .isNull();
        assertThat(read.indexes()).hasSize((int) (from - FIRST));
    }

    @Test
    void theNewestSegmentWithEntriesIsDamagedNotAnEmptyOpenOne() throws IOException {
        Path closed = writeSegment("log_" + FIRST + "-" + (FIRST + ENTRIES - 1), FIRST, ENTRIES);
        writeSegment("log_0-99", 0, 100);
        writeSegment("log_inprogress_" + (FIRST + ENTRIES), FIRST + ENTRIES, 0);

        assertThat(StorageDamage.newestSegment(storage)).contains(closed);
    }

    @Test
    void aFlippedSnapshotByteIsInTheNewestSnapshotNotItsChecksum() throws IOException {
        Path sm = Files.createDirectories(storage.resolve("group").resolve("sm"));
        Path older = Files.write(sm.resolve("snapshot.2_400"), bytes(64, 1));
        Path newest = Files.write(sm.resolve("snapshot.3_500"), bytes(64, 2));
        Files.writeString(sm.resolve("snapshot.3_500.md5"), "0123456789abcdef0123456789abcdef *snapshot.3_500\n");
        Files.write(sm.resolve("snapshot.4_600.tmp"), bytes(64, 3));
        byte[] before = Files.readAllBytes(newest);

        Map<Keyword, Object> done = StorageDamage.damage(storage, StorageDamage.Kind.SNAPSHOT_FLIP, new Random(7));

        assertThat(done.get(Keyword.of("kind"))).isEqualTo(Keyword.of("snapshot-flip"));
        assertThat(done.get(Keyword.of("file"))).isEqualTo(newest.toString());
        assertThat(done.get(Keyword.of("snapshot-index"))).isEqualTo(500L);
        assertOnlyByteChanged(before, Files.readAllBytes(newest), (Long) done.get(Keyword.of("offset")), done);
        assertThat(Files.readAllBytes(older)).isEqualTo(bytes(64, 1));
    }

    @Test
    void withoutASnapshotTheLogIsDamagedAndWithNothingOnDiskNothingIs() throws IOException {
        assertThat(StorageDamage.damage(storage, StorageDamage.Kind.SNAPSHOT_FLIP, new Random(1)))
                .containsEntry(Keyword.of("kind"), Keyword.of("none"));

        writeSegment("log_inprogress_" + FIRST, FIRST, ENTRIES);

        assertThat(StorageDamage.damage(storage, StorageDamage.Kind.SNAPSHOT_FLIP, new Random(1)))
                .containsEntry(Keyword.of("kind"), Keyword.of("log-flip"));
    }

    @Test
    void anEmptySnapshotCannotBeFlipped() throws IOException {
        Path sm = Files.createDirectories(storage.resolve("group").resolve("sm"));
        Path empty = Files.write(sm.resolve("snapshot.1_10"), new byte[0]);

        assertThatThrownBy(() -> StorageDamage.flipInSnapshot(empty, new Random(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is empty");
    }

    private static void assertOnlyByteChanged(byte[] before, byte[] after, long offset, Map<Keyword, Object> done) {
        assertThat(after).hasSameSizeAs(before);
        int at = (int) offset;
        assertThat((long) (before[at] & 0xff)).isEqualTo(done.get(Keyword.of("was")));
        assertThat((long) (after[at] & 0xff)).isEqualTo(done.get(Keyword.of("now")));
        assertThat(after[at]).isNotEqualTo(before[at]);
        after[at] = before[at];
        assertThat(after).as("every other byte").isEqualTo(before);
    }

    /**
     * A segment written by Ratis, under {@code <storage>/group/current/}, with entries first..first+count-1, followed
     * by zeros as the preallocated space of a replica killed while it wrote (a clean close cuts them off).
     */
    private Path writeSegment(String name, long first, int count) throws IOException {
        Path file = Files.createDirectories(storage.resolve("group").resolve("current"))
                .resolve(name);
        try (SegmentedRaftLogOutputStream out = new SegmentedRaftLogOutputStream(
                file.toFile(), false, 8 << 20, 16 << 10, ByteBuffer.allocateDirect(64 << 10))) {
            for (long i = first; i < first + count; i++) {
                out.write(LogEntryProto.newBuilder()
                        .setTerm(1)
                        .setIndex(i)
                        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
                                .setLogData(ByteString.copyFrom("add " + i, StandardCharsets.UTF_8)))
                        .build());
            }
        }
        Files.write(file, new byte[16 << 10], StandardOpenOption.APPEND);
        return file;
    }

    private record Read(List<Long> indexes, IOException failure) {}

    private static Read ratisReads(Path segment) {
        List<Long> indexes = new ArrayList<>();
        try {
            LogSegment.readSegmentFile(
                    segment.toFile(),
                    LogSegmentPath.matchLogSegment(segment).getStartEnd(),
                    SizeInBytes.valueOf("1MB"),
                    RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION,
                    null,
                    e -> indexes.add(e.getIndex()));
            return new Read(indexes, null);
        } catch (IOException e) {
            return new Read(indexes, e);
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
