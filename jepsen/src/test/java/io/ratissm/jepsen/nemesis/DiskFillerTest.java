package io.ratissm.jepsen.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ratissm.jepsen.net.Leftovers;
import io.ratissm.jepsen.nodes.NodeDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How much the disk-full nemesis writes, and (as root, on a real tmpfs) that it leaves what it says free. */
class DiskFillerTest {
    private static final long BLOCK = 4096;

    @Test
    void theFillIsWholeBlocksLeavingAtLeastTheAskedBytesAndLessThanABlockMore() {
        assertThat(DiskFiller.bytesToFill(10 * BLOCK, BLOCK, 0)).isEqualTo(10 * BLOCK);
        assertThat(DiskFiller.bytesToFill(10 * BLOCK, BLOCK, BLOCK)).isEqualTo(9 * BLOCK);
        assertThat(DiskFiller.bytesToFill(10 * BLOCK + 100, BLOCK, 2 * BLOCK)).isEqualTo(8 * BLOCK);
        for (long free : new long[] {0, 1, BLOCK - 1, BLOCK, 7 * BLOCK + 5, 64L << 20}) {
            for (long leave : new long[] {0, 1, BLOCK, 2 * BLOCK + 3}) {
                long fill = DiskFiller.bytesToFill(free, BLOCK, leave);
                assertThat(fill % BLOCK)
                        .as("whole blocks for free=%d leave=%d", free, leave)
                        .isZero();
                assertThat(fill).as("never negative").isNotNegative();
                if (free >= leave) {
                    assertThat(free - fill)
                            .as("left free for free=%d leave=%d", free, leave)
                            .isGreaterThanOrEqualTo(leave)
                            .isLessThan(leave + BLOCK);
                } else {
                    assertThat(fill).isZero();
                }
            }
        }
    }

    @Test
    void aBlockSizeOfZeroOrANegativeLeaveIsRefused() {
        assertThatThrownBy(() -> DiskFiller.bytesToFill(100, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiskFiller.bytesToFill(100, BLOCK, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onATmpfsTheFillerLeavesTheAskedSpaceAndRemovingItGivesItAllBack(@TempDir Path dir) throws Exception {
        Path mountPoint = onTmpfs(dir, disk -> {
            Files.writeString(disk.dir().resolve("replica-file"), "a replica's data");
            long free = disk.freeBytes();
            DiskFiller filler = new DiskFiller(disk);

            long filled = filler.fill(BLOCK);

            assertThat(filled).isEqualTo(DiskFiller.bytesToFill(free, disk.blockBytes(), BLOCK));
            assertThat(disk.freeBytes()).isBetween(BLOCK, 2 * BLOCK - 1);
            assertThat(filler.remove()).isEqualTo(filled);
            assertThat(disk.freeBytes()).isEqualTo(free);
            assertThat(disk.dir().resolve("replica-file")).hasContent("a replica's data");
        });
        assertThat(Leftovers.mounts()).doesNotContain(mountPoint.toString());
    }

    @Test
    void aWriteThatMeetsAFullFilesystemEndsTheFillWithWhatFitted(@TempDir Path dir) throws Exception {
        onTmpfs(dir, disk -> {
            long free = disk.freeBytes();
            DiskFiller filler = new DiskFiller(disk);

            long written = filler.append(free + 10 * BLOCK); // as if the replica had taken nothing meanwhile

            assertThat(written).isEqualTo(free);
            assertThat(disk.freeBytes()).isZero();
            assertThat(filler.fill(0))
                    .as("a fill of a full filesystem adds nothing")
                    .isEqualTo(free);
        });
    }

    private interface DiskBody {
        void run(NodeDisk disk) throws Exception;
    }

    /** Runs {@code body} on a 1 MiB tmpfs mounted under {@code dir} (skipped without root), then unmounts it. */
    private static Path onTmpfs(Path dir, DiskBody body) throws Exception {
        assumeTrue(NodeDisk.whyUnavailable() == null, "mounting a tmpfs: " + NodeDisk.whyUnavailable());
        Path mountPoint = Files.createDirectories(dir.resolve("storage"));
        NodeDisk disk = NodeDisk.mount("filler-test", mountPoint, 1 << 20);
        try {
            assertThat(Leftovers.mounts()).contains(mountPoint.toString());
            body.run(disk);
        } finally {
            disk.unmount();
        }
        return mountPoint;
    }
}
