package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.nodes.NodeDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Fills a replica's own filesystem with one file of zeros, leaving a chosen number of bytes free, and removes the
 * file again. The replica keeps writing while the file grows, so the fill is done in passes, each sized from the free
 * space {@code statvfs} reports then; a write that meets a full filesystem ends the fill (the replica took the
 * rest).
 */
final class DiskFiller {
    /** The filler's name in the replica's storage directory: not a name Ratis or ratis-sm uses. */
    static final String FILE_NAME = "rsmj-filler";

    private static final int CHUNK = 1 << 20;
    private static final int PASSES = 3;

    private final NodeDisk disk;
    private final Path file;

    DiskFiller(NodeDisk disk) {
        this.disk = disk;
        this.file = disk.dir().resolve(FILE_NAME);
    }

    /**
     * How many bytes to write into a filesystem with {@code free} bytes free and blocks of {@code block} bytes so that
     * at least {@code leave} stay free, and less than {@code leave} plus one block: whole blocks, since a file takes
     * whole blocks.
     */
    static long bytesToFill(long free, long block, long leave) {
        if (block <= 0 || leave < 0) {
            throw new IllegalArgumentException(
                    "block must be positive and leave not negative, were " + block + " and " + leave);
        }
        long wanted = free - leave;
        return wanted <= 0 ? 0 : wanted / block * block;
    }

    /** Grows the filler until {@code leave} bytes (within a block) are free; returns the filler's size. */
    long fill(long leave) {
        long block = disk.blockBytes();
        for (int pass = 0; pass < PASSES; pass++) {
            long n = bytesToFill(disk.freeBytes(), block, leave);
            if (n == 0 || append(n) < n) {
                break;
            }
        }
        return size();
    }

    /** The filler's size now (0 if there is none). */
    long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }

    /** Deletes the filler; returns the bytes it held. */
    long remove() {
        long held = size();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
        return held;
    }

    /** Appends up to {@code bytes} zeros; returns how many were written before the filesystem was full. */
    long append(long bytes) {
        ByteBuffer zeros = ByteBuffer.allocate(CHUNK);
        long written = 0;
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (written < bytes) {
                zeros.clear().limit((int) Math.min(CHUNK, bytes - written));
                written += ch.write(zeros);
            }
        } catch (IOException e) {
            if (disk.freeBytes() >= disk.blockBytes()) {
                throw new UncheckedIOException(
                        "cannot fill " + file + " although " + disk.freeBytes() + " bytes are free", e);
            }
            // full: the replica wrote into the space between the measurement and this write
        }
        return written;
    }
}
