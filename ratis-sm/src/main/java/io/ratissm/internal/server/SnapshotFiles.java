package io.ratissm.internal.server;

import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.proto.SnapshotHeader;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's snapshot files on disk, written in an order that leaves no crash point with a valid snapshot that
 * cannot be used, or a snapshot that cannot be verified but is loaded.
 *
 * <p>Committing a snapshot ({@link #commit}): the state is streamed to a temporary file while its MD5 is computed
 * (no second read), and the file is fsynced; the {@code .md5} file for the final name is written (atomically,
 * fsynced) and the directory fsynced; only then is the temporary file renamed to the final name, and the directory
 * fsynced again before {@code takeSnapshot} returns, since Ratis may purge the log behind the snapshot as soon as
 * it has. So a crash before the rename leaves the previous snapshot and the whole log to recover from (a temporary
 * file and an unpaired {@code .md5} are ignored), and a crash after it leaves a complete, verifiable snapshot.
 *
 * <p>At start ({@link #prepare}): a snapshot without its {@code .md5}, which an earlier version of this class left
 * when it crashed between the rename and the checksum, is never loaded: it is renamed aside ({@code .unverified})
 * and the replica recovers from the newest verifiable snapshot and the log behind it, which Ratis had not purged.
 * If the log does not reach back to that snapshot, the replica cannot rebuild its state and refuses to start.
 */
final class SnapshotFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);
    private static final String TMP = ".tmp";
    private static final String UNVERIFIED = ".unverified";
    /** Ratis's log segment files: {@code log_<first>-<last>} when closed, {@code log_inprogress_<first>} when open. */
    private static final Pattern LOG_SEGMENT = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");
    /** What the snapshot commits and the crashes of earlier versions leave behind: never read, safe to delete. */
    private static final Pattern LEFTOVER =
            Pattern.compile(SimpleStateMachineStorage.SNAPSHOT_REGEX.pattern() + "(\\.md5)?" + Pattern.quote(TMP));

    /** The points between the writes of a commit: where a test injects a crash. */
    enum Step {
        TEMPORARY_FILE_WRITTEN,
        CHECKSUM_WRITTEN,
        RENAMED
    }

    /** Told of each step of a commit; a test's hook throws to stop the commit there, as a crash would. */
    interface StepHook {
        void reached(String replicaId, Step step) throws IOException;
    }

    /** For tests only: production never sets it. */
    static volatile StepHook hook = (replicaId, step) -> {};

    private SnapshotFiles() {}

    /**
     * Writes the snapshot to {@code file} durably, its {@code .md5} beside it, as the class comment describes.
     *
     * @return the snapshot's MD5
     */
    static MD5Hash commit(String replicaId, File file, SnapshotHeader header, SnapshotFormat.Body stateMachine)
            throws IOException {
        Path target = file.toPath();
        Path dir = target.getParent();
        Path tmp = dir.resolve(target.getFileName() + TMP);
        MD5Hash md5 = writeTemporary(tmp, header, stateMachine);
        hook.reached(replicaId, Step.TEMPORARY_FILE_WRITTEN);
        // A file already under the final name (a commit at the same index that failed after its rename) must not
        // be left to pair with the new checksum should a crash come before the rename below.
        if (Files.deleteIfExists(target)) {
            syncDirectory(dir);
        }
        MD5FileUtil.saveMD5File(file, md5);
        syncDirectory(dir);
        hook.reached(replicaId, Step.CHECKSUM_WRITTEN);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        hook.reached(replicaId, Step.RENAMED);
        syncDirectory(dir);
        return md5;
    }

    private static MD5Hash writeTemporary(Path tmp, SnapshotHeader header, SnapshotFormat.Body stateMachine)
            throws IOException {
        MessageDigest md5 = MD5FileUtil.newMD5();
        try (FileChannel channel = FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                OutputStream out = new BufferedOutputStream(
                        new DigestOutputStream(Channels.newOutputStream(channel), md5), SnapshotFormat.BUFFER)) {
            SnapshotFormat.write(out, header, stateMachine);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return MD5Hash.newInstance(md5.digest());
    }

    /**
     * Readies a replica's snapshot directory before Ratis picks the latest snapshot from it: snapshots without a
     * checksum are renamed aside and leftovers of interrupted commits deleted, unless the replica cannot recover,
     * in which case nothing is changed.
     *
     * @param firstLogIndex the index of the first entry of the log on disk ({@link #firstLogIndex}), -1 if none
     * @throws StorageRecoveryException if the newest snapshot with a checksum and the log leave a gap, or its
     *                                  checksum file cannot be read
     */
    static void prepare(String replicaId, Path dir, long firstLogIndex, String recoverySteps) throws IOException {
        List<Path> snapshots = new ArrayList<>();
        List<Path> leftovers = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> {
                    String name = f.getFileName().toString();
                    if (SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(name).matches()) {
                        snapshots.add(f);
                    } else if (LEFTOVER.matcher(name).matches()) {
                        leftovers.add(f);
                    }
                });
            }
        }
        snapshots.sort(Comparator.comparingLong(SnapshotFiles::index).reversed());
        List<Path> unverified =
                snapshots.stream().filter(s -> !Files.exists(md5File(s))).toList();
        Optional<Path> newest =
                snapshots.stream().filter(s -> Files.exists(md5File(s))).findFirst();
        long covered = newest.map(SnapshotFiles::index).orElse(-1L);
        if (firstLogIndex > covered + 1) {
            throw new StorageRecoveryException(replicaId + ": cannot rebuild its state from its storage: the log starts"
                    + " at index " + firstLogIndex + ", and "
                    + newest.map(s -> "the newest snapshot with a checksum, " + s + ", ends at index " + covered)
                            .orElse("there is no snapshot with a checksum")
                    + (unverified.isEmpty() ? "" : " (" + unverified + " cannot be verified: no .md5 file)")
                    + ". " + recoverySteps);
        }
        if (newest.isPresent()) {
            try {
                MD5FileUtil.readStoredMd5ForFile(newest.get().toFile());
            } catch (IOException e) {
                throw new StorageRecoveryException(replicaId + ": the checksum of snapshot " + newest.get()
                        + " cannot be read (" + e.getMessage() + "), so the snapshot cannot be verified. "
                        + recoverySteps);
            }
        }
        for (Path s : unverified) {
            Path aside = s.resolveSibling(s.getFileName() + UNVERIFIED);
            Files.move(s, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn(
                    "{}: snapshot {} has no .md5 file, so it cannot be verified (a crash while it was written); moved"
                            + " it to {} and recovering from {} and the log",
                    replicaId,
                    s,
                    aside,
                    newest.map(Path::toString).orElse("the start of the log"));
        }
        for (Path f : leftovers) {
            Files.deleteIfExists(f);
        }
        if (!unverified.isEmpty() || !leftovers.isEmpty()) {
            syncDirectory(dir);
        }
    }

    /** The index of the first entry of the log in Ratis's log directory, or -1 if the log holds none. */
    static long firstLogIndex(Path logDir) throws IOException {
        if (!Files.isDirectory(logDir)) {
            return -1;
        }
        long first = Long.MAX_VALUE;
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = LOG_SEGMENT.matcher(f.getFileName().toString());
                // Ratis deletes an empty open segment when it loads the log: it holds no entry.
                if (m.matches() && Files.size(f) > 0) {
                    first = Math.min(first, Long.parseLong(m.group(1)));
                }
            }
        }
        return first == Long.MAX_VALUE ? -1 : first;
    }

    private static long index(Path snapshot) {
        return SimpleStateMachineStorage.getTermIndexFromSnapshotFile(snapshot.toFile())
                .getIndex();
    }

    private static Path md5File(Path snapshot) {
        return MD5FileUtil.getDigestFileForFile(snapshot.toFile()).toPath();
    }

    /** Makes the directory's entries (created, renamed, deleted files) durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
