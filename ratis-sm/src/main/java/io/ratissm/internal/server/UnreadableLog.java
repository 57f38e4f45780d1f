package io.ratissm.internal.server;

import io.ratissm.StorageRecoveryException;
import io.ratissm.internal.Causes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.util.SizeInBytes;

/**
 * Explains a start that failed because the replica's log does not read back (a checksum mismatch, a truncated or
 * overwritten segment). Ratis reports only "Failed to initRaftLog", and names neither the file nor the entry; this
 * reads the segments again, the way Ratis does, to find the first entry that does not read, and says what the
 * operator can do: the entries are lost on this replica but held by the others, so it is removed, emptied and added
 * back as a new member.
 */
public final class UnreadableLog {
    private static final String RATIS_LOG_FAILURE = "Failed to initRaftLog";
    private static final Pattern FIRST_INDEX = Pattern.compile("^log_(?:inprogress_)?(\\d+)");

    private UnreadableLog() {}

    /**
     * Throws a {@link StorageRecoveryException} that names the damaged segment, the first log index that does not read and the
     * way back, if {@code failure} is Ratis's failure to read the log; returns otherwise.
     */
    public static void throwIfFrom(ServerSettings settings, Throwable failure) throws StorageRecoveryException {
        if (!fromTheLog(failure)) {
            return;
        }
        Path logDir = settings.storage()
                .resolve(settings.group().groupId().getUuid().toString())
                .resolve("current");
        String where = firstDamage(logDir, RaftServerConfigKeys.Log.Appender.bufferByteLimit(settings.raftProperties()))
                .orElse("the log in " + logDir + " does not read (" + Causes.root(failure) + ")");
        throw new StorageRecoveryException(settings.id() + ": its log does not read: " + where + ". The replica"
                + " cannot start on it, and a log is not repaired in place; the other replicas hold its entries. "
                + RecoveryProcedure.steps(settings));
    }

    private static boolean fromTheLog(Throwable failure) {
        return Causes.any(
                failure,
                t -> t instanceof IllegalStateException
                        && String.valueOf(t.getMessage()).contains(RATIS_LOG_FAILURE));
    }

    /** The first segment, in log order, with an entry that does not read, and that entry's index and fault. */
    private static Optional<String> firstDamage(Path logDir, SizeInBytes maxEntryBytes) {
        List<LogSegmentPath> segments;
        try (Stream<Path> files = Files.list(logDir)) {
            segments = files.map(LogSegmentPath::matchLogSegment)
                    .filter(Objects::nonNull)
                    .sorted(Comparator.comparing(LogSegmentPath::getStartEnd))
                    .toList();
        } catch (IOException e) {
            return Optional.empty();
        }
        for (LogSegmentPath segment : segments) {
            long[] lastRead = {firstIndex(segment.getPath()) - 1};
            try {
                LogSegment.readSegmentFile(
                        segment.getPath().toFile(),
                        segment.getStartEnd(),
                        maxEntryBytes,
                        RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION,
                        null,
                        e -> lastRead[0] = e.getIndex());
            } catch (IOException | RuntimeException e) {
                return Optional.of("segment file " + segment.getPath() + " does not read from log index "
                        + (lastRead[0] + 1) + " on (" + e.getMessage()
                        + (e.getClass().getSimpleName().contains("Checksum")
                                ? ""
                                : "; " + e.getClass().getSimpleName()) + ")");
            }
        }
        return Optional.empty();
    }

    /** From the segment's name: {@code log_<first>-<last>}, or {@code log_inprogress_<first>} while open. */
    private static long firstIndex(Path segment) {
        Matcher m = FIRST_INDEX.matcher(segment.getFileName().toString());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
