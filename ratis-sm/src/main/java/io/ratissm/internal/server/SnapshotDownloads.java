package io.ratissm.internal.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshots a follower receives from its leader, while they download: Ratis writes each attempt into its own
 * directory, {@code <group>/tmp/snapshot-<request id>}, and moves it into place when complete, but leaves the
 * directory of an attempt that failed (a full disk, a leader change, a lost connection). The leader's next attempt
 * gets a new directory, so on a disk that is short of space failed attempts pile up and fill whatever space is freed.
 * A Raft server downloads one snapshot at a time, so every download directory but the newest is abandoned, and none
 * is in use while no Raft server runs.
 */
final class SnapshotDownloads {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotDownloads.class);
    private static final String PREFIX = "snapshot-";

    private SnapshotDownloads() {}

    /** Deletes every download; only while no Raft server runs on {@code groupDir}. */
    static void deleteAll(String replicaId, Path groupDir) {
        downloads(replicaId, groupDir).forEach(d -> delete(replicaId, d));
    }

    /** Deletes the downloads other than the most recently written one, which may be in progress. */
    static void deleteAbandoned(String replicaId, Path groupDir) {
        List<Path> all = downloads(replicaId, groupDir);
        if (all.size() > 1) {
            all.stream()
                    .sorted(Comparator.comparing(SnapshotDownloads::lastWritten).reversed())
                    .skip(1)
                    .forEach(d -> delete(replicaId, d));
        }
    }

    private static List<Path> downloads(String replicaId, Path groupDir) {
        Path tmp = groupDir.resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .toList();
        } catch (IOException e) {
            LOG.warn("{}: cannot list the snapshot downloads in {}: {}", replicaId, tmp, e.toString());
            return List.of();
        }
    }

    private static FileTime lastWritten(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(f -> {
                        try {
                            return Files.getLastModifiedTime(f);
                        } catch (IOException e) {
                            return FileTime.fromMillis(0);
                        }
                    })
                    .max(Comparator.naturalOrder())
                    .orElse(FileTime.fromMillis(0));
        } catch (IOException | UncheckedIOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void delete(String replicaId, Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            LOG.info("{}: deleted the snapshot download {}, which did not complete", replicaId, dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("{}: cannot delete the snapshot download {}: {}", replicaId, dir, e.toString());
        }
    }
}
