package io.ratissm.jepsen.runner;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One harness run per host at a time: runs share the namespace prefix, and the start-time sweep of one would
 * destroy the network of another. The lock is a file lock, so the kernel releases it when a harness dies.
 */
final class HarnessLock implements AutoCloseable {
    /** Per user: only root builds namespaces, and another user could not open root's lock file for writing. */
    private static final Path FILE =
            Path.of(System.getProperty("java.io.tmpdir"), "rsmj-harness-" + System.getProperty("user.name") + ".lock");

    private final FileChannel channel;
    private final FileLock lock;

    private HarnessLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static HarnessLock acquire() throws IOException {
        FileChannel channel = FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another harness run holds " + FILE + "; runs on one host must not "
                    + "overlap, wait for it to finish");
        }
        return new HarnessLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
