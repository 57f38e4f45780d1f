package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.proto.SnapshotHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot files on disk: a commit, and what a replica does at start with what a crash left. */
class SnapshotFilesTest {
    private static final String STEPS = "(the way back)";

    @TempDir
    Path dir;

    private Path commit(long index, String state) throws IOException {
        Path file = dir.resolve("snapshot.1_" + index);
        SnapshotFiles.commit(
                "n1",
                file.toFile(),
                SnapshotHeader.getDefaultInstance(),
                out -> out.write(state.getBytes(StandardCharsets.UTF_8)));
        return file;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCommittedSnapshotHasAChecksumThatVerifiesItAndNothingElseIsLeft() throws Exception {
        Path file = commit(10, "state at 10");

        assertThat(names()).containsExactly("snapshot.1_10", "snapshot.1_10.md5");
        MD5Hash stored = MD5FileUtil.readStoredMd5ForFile(file.toFile());
        assertThat(stored).isEqualTo(MD5FileUtil.computeMd5ForFile(file.toFile()));
        SnapshotFormat.read(
                file.toFile(),
                (header, in) -> assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("state at 10"));
    }

    @Test
    void aCommitAtAnIndexWhoseEarlierCommitFailedAfterItsRenameReplacesItWhole() throws Exception {
        commit(10, "first");
        Path file = commit(10, "second, longer");

        assertThat(MD5FileUtil.readStoredMd5ForFile(file.toFile()))
                .isEqualTo(MD5FileUtil.computeMd5ForFile(file.toFile()));
    }

    @Test
    void atStartASnapshotWithoutChecksumIsSetAsideAndLeftoversOfACrashDeleted() throws Exception {
        commit(10, "verified");
        Path unverified = commit(20, "left by a crash between the rename and the checksum");
        Files.delete(dir.resolve("snapshot.1_20.md5"));
        Files.writeString(dir.resolve("snapshot.1_30.tmp"), "half written");
        Files.writeString(dir.resolve("snapshot.1_30.md5.tmp"), "half written");
        byte[] kept = Files.readAllBytes(unverified);

        SnapshotFiles.prepare("n1", dir, 0, STEPS);

        assertThat(names()).containsExactly("snapshot.1_10", "snapshot.1_10.md5", "snapshot.1_20.unverified");
        assertThat(dir.resolve("snapshot.1_20.unverified")).hasBinaryContent(kept);
    }

    @Test
    void whenTheLogDoesNotReachBackToTheNewestVerifiableSnapshotTheReplicaRefusesAndChangesNothing() throws Exception {
        commit(10, "verified");
        commit(20, "left by a crash");
        Files.delete(dir.resolve("snapshot.1_20.md5"));
        List<String> before = names();

        assertThatThrownBy(() -> SnapshotFiles.prepare("n1", dir, 21, STEPS))
                .isInstanceOf(StorageRecoveryException.class)
                .hasMessageContaining("the log starts at index 21")
                .hasMessageContaining("snapshot.1_10, ends at index 10")
                .hasMessageContaining("snapshot.1_20] cannot be verified")
                .hasMessageEndingWith(STEPS);
        assertThat(names()).isEqualTo(before);
    }

    @Test
    void withoutAnySnapshotAPurgedLogIsRefused() {
        assertThatThrownBy(() -> SnapshotFiles.prepare("n1", dir.resolve("sm"), 5, STEPS))
                .isInstanceOf(StorageRecoveryException.class)
                .hasMessageContaining("the log starts at index 5, and there is no snapshot with a checksum");
    }

    @Test
    void anUnreadableChecksumIsRefused() throws Exception {
        commit(10, "verified");
        Files.writeString(dir.resolve("snapshot.1_10.md5"), "not a checksum\n");

        assertThatThrownBy(() -> SnapshotFiles.prepare("n1", dir, 0, STEPS))
                .isInstanceOf(StorageRecoveryException.class)
                .hasMessageContaining("the checksum of snapshot")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void theLogStartsAtItsLowestNonEmptySegment() throws Exception {
        Path log = Files.createDirectories(dir.resolve("current"));
        assertThat(SnapshotFiles.firstLogIndex(log)).isEqualTo(-1);
        Files.writeString(log.resolve("log_inprogress_120"), "entries");
        Files.writeString(log.resolve("log_57-119"), "entries");
        Files.writeString(log.resolve("raft-meta"), "term");
        assertThat(SnapshotFiles.firstLogIndex(log)).isEqualTo(57);
        Files.delete(log.resolve("log_57-119"));
        Files.writeString(log.resolve("log_inprogress_120"), "");
        assertThat(SnapshotFiles.firstLogIndex(log))
                .as("an empty open segment holds nothing")
                .isEqualTo(-1);
    }
}
