package io.ratissm.jepsen.nodes;

import io.ratissm.jepsen.net.HostCommand;
import io.ratissm.jepsen.net.Leftovers;
import io.ratissm.jepsen.net.NetworkSetupException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A replica's storage directory on a small filesystem of its own: a tmpfs with a size limit, mounted by the harness
 * over the directory before the replica starts and unmounted after it stopped. Filling it (the {@code disk-full}
 * nemesis) gives that replica, and only it, "No space left on device" while the host's disks stay untouched. The
 * mount's source is named {@code rsmj-disk-<node>}, so {@link Leftovers#sweep()} finds what a killed harness left.
 * Needs root and {@code mount}.
 */
public final class NodeDisk {
    private final String node;
    private final Path dir;
    private final long sizeBytes;
    private boolean mounted;

    private NodeDisk(String node, Path dir, long sizeBytes) {
        this.node = node;
        this.dir = dir;
        this.sizeBytes = sizeBytes;
    }

    /** Null if the harness can mount filesystems here, else why not. */
    public static String whyUnavailable() {
        if (!HostCommand.runningAsRoot()) {
            return "not running as root";
        }
        if (!HostCommand.available("mount") || !HostCommand.available("umount")) {
            return "the 'mount' and 'umount' commands are missing";
        }
        return null;
    }

    /** The mount's source name, by which the sweep recognises it. */
    static String source(String node) {
        return Leftovers.PREFIX + "-disk-" + node;
    }

    /** Mounts a tmpfs of {@code sizeBytes} (rounded up to pages by the kernel) over the empty directory {@code dir}. */
    public static NodeDisk mount(String node, Path dir, long sizeBytes) {
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalStateException("cannot mount " + node + "'s disk over " + dir + ": it is not empty");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        HostCommand.run("mount", "-t", "tmpfs", "-o", "size=" + sizeBytes + ",mode=0755", source(node), dir.toString());
        NodeDisk disk = new NodeDisk(node, dir, sizeBytes);
        disk.mounted = true;
        return disk;
    }

    public String node() {
        return node;
    }

    /** The mount point: the replica's storage directory. */
    public Path dir() {
        return dir;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** Bytes a write may still take now, as {@code statvfs} reports them. */
    public long freeBytes() {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + dir, e);
        }
    }

    /** The filesystem's allocation unit: a file takes whole blocks. */
    public long blockBytes() {
        try {
            return Files.getFileStore(dir).getBlockSize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the block size of " + dir, e);
        }
    }

    /**
     * Unmounts it; its content is gone. Call after the replica stopped. A mount still busy (a process that
     * survived its replica) is detached lazily, so that the run's data directory can still be removed.
     */
    public synchronized void unmount() {
        if (!mounted) {
            return;
        }
        mounted = false;
        try {
            HostCommand.run("umount", dir.toString());
        } catch (NetworkSetupException e) {
            HostCommand.run("umount", "-l", dir.toString());
        }
    }

    @Override
    public String toString() {
        return source(node) + " on " + dir + " (" + sizeBytes + " bytes)";
    }
}
