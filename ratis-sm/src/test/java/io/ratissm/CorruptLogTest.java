package io.ratissm;

import static io.ratissm.NonNegativeCounter.add;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A replica whose log does not read back (a bit flipped on disk) refuses to start with a message an operator can act
 * on: the segment file, the first log index that does not read, and the way back.
 */
class CorruptLogTest {
    @Test
    void aReplicaWhoseLogSegmentIsCorruptNamesTheFileTheIndexAndWhatToDo() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .stateMachine(NonNegativeCounter::new)
                        .start();
                ReplicaClient client = cluster.newClient()) {
            for (int i = 0; i < 20; i++) {
                client.submit(add(1));
            }
            cluster.awaitCaughtUp(Duration.ofSeconds(30));
            String leader = cluster.awaitLeader();
            String victim = cluster.others(leader).get(0);
            cluster.kill(victim);
            Path segment = onlySegment(cluster.storage(victim));
            long corruptIndex = flipAByteOfTheEntryAfter(segment, 10);

            assertThatThrownBy(() -> cluster.restart(victim))
                    .isInstanceOf(StorageRecoveryException.class)
                    .hasMessageContaining(victim + ": its log does not read")
                    .hasMessageContaining(segment.toString())
                    .hasMessageContaining("log index " + corruptIndex)
                    .hasMessageContaining("checksum")
                    .hasMessageContaining("ratis-sm admin remove-replica " + victim)
                    .hasMessageContaining("Replacing a replica's storage");
        }
    }

    private static Path onlySegment(Path storage) throws IOException {
        try (Stream<Path> files = Files.walk(storage)) {
            List<Path> segments = files.filter(f -> f.getFileName().toString().startsWith("log_"))
                    .toList();
            assertThat(segments).hasSize(1);
            return segments.get(0);
        }
    }

    /**
     * Flips one byte in the middle of the entry at index {@code after + 1}, found by walking the segment's entries:
     * each is a varint length, the entry, and a 4-byte checksum, after the 8-byte header {@code RaftLog1}.
     *
     * @return the index of the damaged entry
     */
    private static long flipAByteOfTheEntryAfter(Path segment, long after) throws IOException {
        long first = Long.parseLong(segment.getFileName().toString().replaceAll("\\D*(\\d+).*", "$1"));
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            long pos = 8;
            for (long index = first; index <= after; index++) {
                f.seek(pos);
                int length = readVarint(f);
                pos = f.getFilePointer() + length + 4;
            }
            f.seek(pos);
            int length = readVarint(f);
            long target = f.getFilePointer() + length / 2;
            f.seek(target);
            int b = f.read();
            f.seek(target);
            f.write(b ^ 0x5a);
            return after + 1;
        }
    }

    private static int readVarint(RandomAccessFile f) throws IOException {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = f.read();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }
}
