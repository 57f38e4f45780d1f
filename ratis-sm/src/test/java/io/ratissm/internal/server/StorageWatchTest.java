package io.ratissm.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.Replication;
import io.ratissm.internal.GroupSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the storage watch does with a failure reported by Ratis or found on disk, on a disk with plenty of room (the
 * full disks are in DiskFullTest).
 */
class StorageWatchTest {
    @TempDir
    Path storage;

    private ServerSettings settings;
    private StorageWatch watch;
    private int stops;
    private int starts;

    @BeforeEach
    void watchAReplica() {
        settings = new ServerSettings(
                "n1",
                GroupSpec.parse("g", List.of("n1=127.0.0.1:7001")),
                storage,
                Replication.ACTIVE,
                100,
                1024,
                Duration.ofSeconds(1),
                1 << 20,
                0,
                Duration.ofMinutes(10),
                10,
                Map.of(),
                null,
                false);
        watch = new StorageWatch(settings, new StorageWatch.RaftServerControl() {
            @Override
            public void stop() {
                stops++;
                watch.stopped();
            }

            @Override
            public void start() {
                starts++;
            }
        });
        watch.started(TermAndVoteTest.wrote(3, "n1"));
    }

    @Test
    void aHealthyStorageIsLeftAlone() {
        watch.check();

        assertThat(watch.problem()).isNull();
        assertThat(watch.freeBytes()).isPositive();
        assertThat(stops).isZero();
    }

    @Test
    void aLogThatFailedWithRoomLeftStopsTheRaftServerForAnOperatorToLookAt() {
        watch.logFailed(new IOException("Input/output error"));
        watch.check();
        watch.check();

        assertThat(watch.problem())
                .isEqualTo("storage failed at " + storage + ": its log could not be written:"
                        + " java.io.IOException: Input/output error; its Raft server is stopped. Check the disk, then restart"
                        + " the replica");
        assertThat(stops).isEqualTo(1);
        assertThat(starts).isZero();
    }

    @Test
    void aLogThatFailedForWantOfSpaceRestartsOnceThereIsRoom() {
        watch.logFailed(new IOException("wrapped", new IOException("No space left on device")));
        watch.check();

        assertThat(watch.problem())
                .startsWith("disk full at " + storage + ": ")
                .contains("(its log could not be written: java.io.IOException: No space left on device)");
        assertThat(stops).isEqualTo(1);

        watch.check();

        assertThat(starts).isEqualTo(1);
        assertThat(watch.problem()).isNull();
        assertThat(watch.handlingFailure()).isFalse();
    }

    @Test
    void aTermAndVoteRecordFoundEmptyIsRestoredWhileTheRaftServerIsStopped() throws Exception {
        Path record =
                Files.createDirectories(settings.termAndVoteFile().getParent()).resolve("raft-meta");
        Files.write(record, new byte[0]);

        watch.check();

        assertThat(stops).isEqualTo(1);
        assertThat(watch.problem())
                .startsWith("storage at " + storage + ": its record of term and vote, " + record
                        + ", could not be written");
        assertThat(Files.readString(record)).contains("term=3");

        watch.check();

        assertThat(starts).isEqualTo(1);
        assertThat(watch.problem()).isNull();
    }
}
