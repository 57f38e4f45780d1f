package io.ratissm.internal.server;

import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.Causes;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.ratis.server.storage.RaftStorageMetadataFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a replica's Raft server off a full disk, and brings it back once there is room again.
 *
 * <p>Why the Raft server must stop: Ratis does not recover from a failed write of its log. Its log worker fails every
 * later write, for good; a follower then freezes at its last entry while still answering the leader, and a leader
 * closes its log and stays stuck. Writes of the term-and-vote record fail too, and leave it empty
 * ({@link TermAndVote}). The only way back is a new Raft server on the same storage, which recovers like a restarted
 * replica (latest snapshot, then log) and catches up from the leader.
 *
 * <p>So {@link #check()}, called every second or so and at once when Ratis reports a failed log write
 * ({@link #logFailed}), stops the Raft server when its log failed, when less than {@link #FLOOR_BYTES} are free on
 * the storage's file system, or when the term-and-vote record is found damaged. It logs the cause at error level and
 * reports it as the replica's {@link #problem()} ({@code /health} answers 503 with it). While the Raft server is
 * stopped it restores the term-and-vote record, deletes the snapshots it was downloading (which would otherwise fill
 * any space freed), and waits; once {@code settings.resumeFreeBytes()} are free, it starts a new Raft server. A log that
 * failed with plenty of space left failed for another reason (an I/O error): the Raft server then stays stopped, for an
 * operator to look at the disk.
 *
 * <p>Not thread-safe: {@link #check()} and the start and stop calls run on one thread at a time (the replica's
 * watch thread, or its start and close); {@link #logFailed}, {@link #problem()} and {@link #freeBytes()} may be
 * called from any thread.
 */
public final class StorageWatch {
    private static final Logger LOG = LoggerFactory.getLogger(StorageWatch.class);
    /** Below this many free bytes the Raft server is stopped before a write fails, or as soon as one has. */
    public static final long FLOOR_BYTES = 1 << 20;

    /** The replica's Raft server, as the watch stops and restarts it. */
    public interface RaftServerControl {
        /** Stops the Raft server, if it runs; the replica, its endpoints and its metrics stay. */
        void stop();

        /** Starts a new Raft server on the same storage; if it cannot, it is left stopped and this throws. */
        void start() throws IOException;
    }

    private enum State {
        RUNNING,
        WAITING_FOR_SPACE,
        FAILED
    }

    private final String replicaId;
    private final Path storage;
    private final Path groupDir;
    private final long resumeBytes;
    private final String recoverySteps;
    private final TermAndVote termAndVote;
    private final RaftServerControl raft;
    private volatile Throwable logFailure;
    private volatile State state = State.RUNNING;
    private volatile String problem;
    private volatile long freeBytes = -1;
    private boolean restartFailureLogged;

    public StorageWatch(ServerSettings settings, RaftServerControl raft) {
        this.replicaId = settings.id();
        this.storage = settings.storage();
        this.groupDir = settings.groupDirectory();
        this.resumeBytes = settings.resumeFreeBytes();
        this.recoverySteps = RecoveryProcedure.steps(settings);
        this.termAndVote = new TermAndVote(replicaId, settings.termAndVoteFile(), storage.resolve("ratis-sm.reserve"));
        this.raft = raft;
    }

    /**
     * Before the first Raft server starts: refuses a damaged term-and-vote record and deletes the downloads a previous
     * run left.
     *
     * @throws StorageRecoveryException if the term-and-vote record is damaged (the message says how to recover)
     */
    public void beforeStart() throws StorageRecoveryException {
        termAndVote.checkAtStart(recoverySteps);
        SnapshotDownloads.deleteAll(replicaId, groupDir);
    }

    /**
     * A Raft server started: its record of what it wrote last is what the file must say after it stops; and the space
     * reserve is set aside, now that the storage is the replica's.
     */
    public void started(RaftStorageMetadataFile written) {
        termAndVote.remember(written);
        termAndVote.ensureReserve();
    }

    /** A Raft server stopped: the term-and-vote record is made whole again if a failed write emptied it. */
    public void stopped() {
        termAndVote.restoreIfDamaged();
    }

    /** Ratis reports a failed write of the log (on its log worker thread); {@link #check()} acts on it. */
    public void logFailed(Throwable cause) {
        if (logFailure == null) {
            logFailure = cause;
        }
    }

    /** Whether a storage failure was reported or is being handled: Ratis closing the member now is not a removal. */
    public boolean handlingFailure() {
        return logFailure != null || state != State.RUNNING;
    }

    /** Null while the storage serves; otherwise why the Raft server is stopped (for {@code /health}). */
    public String problem() {
        return problem;
    }

    /** Free bytes on the storage's file system at the last check; -1 before the first, or if it cannot tell. */
    public long freeBytes() {
        return freeBytes;
    }

    /** Looks at the storage once: stops the Raft server on a failure, restarts it once there is room. */
    public void check() {
        long free = usableSpace();
        freeBytes = free == Long.MAX_VALUE ? -1 : free;
        switch (state) {
            case RUNNING -> stopIfFailing(free);
            case WAITING_FOR_SPACE -> resumeIfRoom(free);
            case FAILED -> {
                // an operator has to look at the disk
            }
        }
    }

    private void stopIfFailing(long free) {
        Throwable failure = logFailure;
        boolean damaged = !termAndVote.intact();
        if (failure == null && !damaged && free >= FLOOR_BYTES) {
            SnapshotDownloads.deleteAbandoned(replicaId, groupDir);
            return;
        }
        String cause = failure != null
                ? "its log could not be written: " + Causes.root(failure)
                : damaged
                        ? "its record of term and vote, " + termAndVote.file() + ", could not be written"
                        : "less than " + FLOOR_BYTES + " bytes are free";
        if (free < resumeBytes || (failure != null && noSpace(failure))) {
            problem = "disk full at " + storage + ": " + free + " bytes free (" + cause + "); its Raft server is"
                    + " stopped and restarts by itself once " + resumeBytes + " bytes are free";
            state = State.WAITING_FOR_SPACE;
        } else if (failure == null) {
            problem = "storage at " + storage + ": " + cause + " (a write failed, most likely while the disk was"
                    + " full); its Raft server is stopped and restarts by itself once the record is restored";
            state = State.WAITING_FOR_SPACE;
        } else {
            problem = "storage failed at " + storage + ": " + cause + "; its Raft server is stopped. Check the disk,"
                    + " then restart the replica";
            state = State.FAILED;
        }
        LOG.error("{}: {}", replicaId, problem);
        raft.stop();
        SnapshotDownloads.deleteAll(replicaId, groupDir);
    }

    private void resumeIfRoom(long free) {
        if (free < resumeBytes || !termAndVote.restoreIfDamaged()) {
            return;
        }
        termAndVote.ensureReserve();
        logFailure = null;
        try {
            raft.start();
        } catch (IOException | RuntimeException e) {
            if (!restartFailureLogged) {
                LOG.error(
                        "{}: {} bytes are free at {} again, but its Raft server did not start: {}; trying again",
                        replicaId,
                        free,
                        storage,
                        e.toString());
                restartFailureLogged = true;
            }
            return;
        }
        restartFailureLogged = false;
        state = State.RUNNING;
        problem = null;
        LOG.info(
                "{}: {} bytes are free at {} again: restarted its Raft server, which catches up from the leader",
                replicaId,
                free,
                storage);
    }

    private long usableSpace() {
        try {
            FileStore store = Files.getFileStore(storage);
            // A file system that reports no size at all (some network and FUSE ones) says nothing about its space.
            return store.getTotalSpace() > 0 ? store.getUsableSpace() : Long.MAX_VALUE;
        } catch (IOException e) {
            LOG.warn("{}: cannot read the free space of {}: {}", replicaId, storage, e.toString());
            return Long.MAX_VALUE;
        }
    }

    /** Whether the failure is the file system's "no space" (ENOSPC, or EDQUOT for a user's quota). */
    static boolean noSpace(Throwable failure) {
        return Causes.any(failure, t -> {
            String m = String.valueOf(t.getMessage());
            return m.contains("No space left on device")
                    || m.contains("Disk quota exceeded")
                    || m.contains("not enough space on the disk");
        });
    }
}
