package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ratissm.SmallDisk;
import io.ratissm.StorageRecoveryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.storage.RaftStorageMetadata;
import org.apache.ratis.server.storage.RaftStorageMetadataFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The term-and-vote record: refused at start when damaged, restored from what the Raft server last wrote. */
class TermAndVoteTest {
    @TempDir
    Path dir;

    private static final RaftStorageMetadataFile WROTE_TERM_7 = wrote(7, "n2");

    /** What a Raft server that last wrote {@code term} and a vote for {@code votedFor} holds in memory. */
    static RaftStorageMetadataFile wrote(long term, String votedFor) {
        return new RaftStorageMetadataFile() {
            @Override
            public RaftStorageMetadata getMetadata() {
                return RaftStorageMetadata.valueOf(term, RaftPeerId.valueOf(votedFor));
            }

            @Override
            public void persist(RaftStorageMetadata newValue) {
                throw new UnsupportedOperationException("the test only reads");
            }
        };
    }

    private TermAndVote record(Path storage) throws IOException {
        Path current = Files.createDirectories(storage.resolve("group").resolve("current"));
        return new TermAndVote("n1", current.resolve("raft-meta"), storage.resolve("ratis-sm.reserve"));
    }

    @Test
    void aMissingRecordIsANewReplicaAndAWholeOneIsIntact() throws Exception {
        TermAndVote record = record(dir);
        assertThat(record.intact()).isTrue();
        record.checkAtStart("(the way back)");

        Files.writeString(record.file(), "#\nvotedFor=n3\nterm=4\n");

        assertThat(record.intact()).isTrue();
        record.checkAtStart("(the way back)");
    }

    @Test
    void anEmptyOrTruncatedRecordRefusesTheStartAndIsLeftAsItWas() throws Exception {
        TermAndVote record = record(dir);
        for (String damaged : List.of("", "#\nvotedFor=n3\n", "term=4\n", "term=x\nvotedFor=\n")) {
            Files.writeString(record.file(), damaged);

            assertThat(record.intact()).as(damaged).isFalse();
            assertThatThrownBy(() -> record.checkAtStart("(the way back)"))
                    .as(damaged)
                    .isInstanceOf(StorageRecoveryException.class)
                    .hasMessageStartingWith("n1: its record of its term and vote, " + record.file() + ", is ")
                    .hasMessageEndingWith("(the way back)");
            assertThat(Files.readString(record.file())).isEqualTo(damaged);
        }
    }

    @Test
    void aDamagedRecordIsRestoredToWhatTheRaftServerLastWrote() throws Exception {
        TermAndVote record = record(dir);
        Files.write(record.file(), new byte[0]);
        record.remember(WROTE_TERM_7);

        assertThat(record.restoreIfDamaged()).isTrue();

        assertThat(Files.readString(record.file())).contains("term=7").contains("votedFor=n2");
        assertThat(record.intact()).isTrue();
        assertThat(record.file().resolveSibling("raft-meta.tmp")).doesNotExist();
    }

    @Test
    void anIntactRecordIsNeverOverwritten() throws Exception {
        TermAndVote record = record(dir);
        Files.writeString(record.file(), "votedFor=n3\nterm=9\n");
        record.remember(WROTE_TERM_7);

        assertThat(record.restoreIfDamaged()).isTrue();

        assertThat(Files.readString(record.file())).isEqualTo("votedFor=n3\nterm=9\n");
    }

    @Test
    void withoutARaftServerToRestoreFromADamagedRecordStaysDamaged() throws Exception {
        TermAndVote record = record(dir);
        Files.write(record.file(), new byte[0]);

        assertThat(record.restoreIfDamaged()).isFalse();

        assertThat(Files.size(record.file())).isZero();
    }

    /** On a disk with no free byte the record is restored into the space of the reserve. Needs root for tmpfs. */
    @Test
    void onAFullDiskTheReserveMakesRoomForTheRecord() throws Exception {
        assumeTrue(SmallDisk.whyNot() == null, () -> "skipped: " + SmallDisk.whyNot());
        Path storage = dir.resolve("disk");
        try (SmallDisk disk = SmallDisk.mount(storage, 4)) {
            TermAndVote record = record(storage);
            record.ensureReserve();
            assertThat(Files.size(storage.resolve("ratis-sm.reserve"))).isEqualTo(TermAndVote.RESERVE_BYTES);
            Files.write(record.file(), new byte[0]);
            disk.fill();
            record.remember(WROTE_TERM_7);

            assertThat(record.restoreIfDamaged()).isTrue();

            assertThat(Files.readString(record.file())).contains("term=7");
            assertThat(storage.resolve("ratis-sm.reserve"))
                    .as("given up for the record")
                    .doesNotExist();
            record.ensureReserve();
            assertThat(storage.resolve("ratis-sm.reserve"))
                    .as("no room to set it aside again")
                    .doesNotExist();
        }
    }
}
