package io.ratissm.internal.server;

import io.ratissm.StorageRecoveryException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import org.apache.ratis.server.storage.RaftStorageMetadata;
import org.apache.ratis.server.storage.RaftStorageMetadataFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's record of its current term and of its vote in that term: Ratis's {@code raft-meta} file in the
 * group's {@code current} directory. Raft's safety rests on it: a replica that forgets its vote can vote twice in
 * one term and help elect two leaders.
 *
 * <p>Why ratis-sm watches a file Ratis writes: Ratis 3.3.0 writes it through a temporary file that it renames over
 * the old one when the stream is closed, even when a write into the temporary file failed. On a full disk the write
 * fails, the empty temporary file replaces the record, and the replica can no longer start ("'term' not found in
 * properties: {}"). Ratis keeps the record it last wrote successfully in memory, and it acts on no term or vote it
 * could not write (the vote is not sent, the election not started). So once the Raft server is stopped, that copy is
 * exactly what the file must say, and {@link #restoreIfDamaged()} writes it back, safely this time: written whole,
 * fsynced, checked, renamed, directory fsynced. On a full disk it first gives up the space of a small reserve file
 * ({@link #ensureReserve()}) that it keeps for this. What it cannot cover: a crash between Ratis's failed write and
 * the restore leaves the record empty, and the replica then refuses to start ({@link #checkAtStart}).
 */
final class TermAndVote {
    private static final Logger LOG = LoggerFactory.getLogger(TermAndVote.class);
    private static final String TERM = "term";
    private static final String VOTED_FOR = "votedFor";
    /** Space kept aside for rewriting the record on a full disk: a few file system blocks are enough. */
    static final long RESERVE_BYTES = 1 << 20;

    private final String replicaId;
    private final Path file;
    private final Path reserve;
    /** What Ratis last wrote successfully, read from the Raft server while it runs; null before the first start. */
    private volatile RaftStorageMetadataFile persisted;

    TermAndVote(String replicaId, Path file, Path reserve) {
        this.replicaId = replicaId;
        this.file = file;
        this.reserve = reserve;
    }

    Path file() {
        return file;
    }

    /** The record of the Raft server just started: after it stops, its last successful write is the truth. */
    void remember(RaftStorageMetadataFile ratisRecord) {
        this.persisted = ratisRecord;
    }

    /**
     * Refuses to start a replica whose record is damaged: it does not know which vote it cast, and starting with a
     * guessed one could let it vote twice in a term.
     *
     * @throws StorageRecoveryException naming the file and the way back
     */
    void checkAtStart(String recoverySteps) throws StorageRecoveryException {
        String damage = damage();
        if (damage != null) {
            throw new StorageRecoveryException(replicaId + ": its record of its term and vote, " + file + ", is "
                    + damage + " (a write that failed on a full disk, under a version that did not repair it, or a"
                    + " crash right after one). Without it the replica could vote twice in one term, so it does not"
                    + " start; its log and snapshots are intact but cannot be trusted to vote. " + recoverySteps);
        }
    }

    /** Whether the record is missing (a replica that never started) or whole. */
    boolean intact() {
        return damage() == null;
    }

    /** Null if the record is missing or whole; otherwise what is wrong with it. */
    private String damage() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
        if (bytes.length == 0) {
            return "empty";
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
            Long.parseLong(p.getProperty(TERM, ""));
        } catch (IOException | IllegalArgumentException e) {
            return "damaged (no readable '" + TERM + "')";
        }
        return p.getProperty(VOTED_FOR) == null ? "damaged (no '" + VOTED_FOR + "')" : null;
    }

    /**
     * Writes back what Ratis last wrote successfully if the file is damaged. Call only while no Raft server runs on
     * the storage. Gives up the reserve if the disk has no room otherwise.
     *
     * @return whether the record is intact now
     */
    boolean restoreIfDamaged() {
        if (intact()) {
            return true;
        }
        RaftStorageMetadataFile ratisRecord = persisted;
        if (ratisRecord == null) {
            LOG.error(
                    "{}: the record of its term and vote, {}, is damaged and no Raft server ran to restore it from",
                    replicaId,
                    file);
            return false;
        }
        RaftStorageMetadata last;
        try {
            last = ratisRecord.getMetadata();
        } catch (IOException e) {
            LOG.error("{}: cannot read the term and vote the Raft server last wrote: {}", replicaId, e.toString());
            return false;
        }
        try {
            write(last);
        } catch (IOException firstTry) {
            try {
                if (!Files.deleteIfExists(reserve)) {
                    throw firstTry;
                }
                write(last);
            } catch (IOException e) {
                LOG.error(
                        "{}: the record of its term and vote, {}, is damaged and cannot be rewritten yet ({});"
                                + " retrying once there is space",
                        replicaId,
                        file,
                        e.toString());
                return false;
            }
        }
        LOG.warn(
                "{}: the record of its term and vote, {}, was damaged (a write failed on a full disk); restored it"
                        + " to term {}, vote {}, the last the Raft server wrote",
                replicaId,
                file,
                last.getTerm(),
                last.getVotedFor());
        return true;
    }

    private void write(RaftStorageMetadata record) throws IOException {
        Properties p = new Properties();
        p.setProperty(TERM, Long.toString(record.getTerm()));
        p.setProperty(VOTED_FOR, record.getVotedFor().toString());
        StringWriter text = new StringWriter();
        p.store(text, "");
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        // Ratis deletes this name at start, so a crash here leaves nothing behind.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SnapshotFiles.syncDirectory(file.getParent());
    }

    /** Creates the reserve file if it is missing and there is room for it; a full disk leaves it for later. */
    void ensureReserve() {
        if (Files.exists(reserve)) {
            return;
        }
        try (FileChannel out = FileChannel.open(reserve, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // Written, not just sized: a sparse file would hold no blocks to give back.
            ByteBuffer zeros = ByteBuffer.allocate(64 << 10);
            for (long written = 0; written < RESERVE_BYTES; written += zeros.capacity()) {
                zeros.clear();
                while (zeros.hasRemaining()) {
                    out.write(zeros);
                }
            }
            out.force(true);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(reserve);
            } catch (IOException ignored) {
                // a full disk: the next call tries again
            }
            LOG.debug("{}: no room for the reserve file {} yet: {}", replicaId, reserve, e.toString());
        }
    }
}
