package io.ratissm.internal.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the temporary files of snapshots whose writing a crash interrupted ({@code snapshot.<term>_<index>.tmp},
 * and the {@code .md5.tmp} of its checksum). Nothing reads them: a snapshot counts only once renamed to its final
 * name, so a leftover is never needed, and without this they pile up, each as large as the state.
 */
public final class SnapshotLeftovers {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLeftovers.class);
    private static final Pattern LEFTOVER = Pattern.compile("snapshot\\..+\\.tmp");

    private SnapshotLeftovers() {
    }

    /**
     * Removes the leftovers from the replica's snapshot directory; called once at start, before Ratis reads it. A
     * leftover that cannot be removed harms nothing but disk space: it is logged, not thrown.
     */
    public static void remove(ServerSettings settings) {
        Path dir = settings.storage().resolve(settings.group().groupId().getUuid().toString()).resolve("sm");
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (LEFTOVER.matcher(f.getFileName().toString()).matches() && Files.deleteIfExists(f)) {
                    removed.add(f.getFileName());
                }
            }
        } catch (IOException e) {
            LOG.warn("{}: could not remove the files of interrupted snapshots in {}: {}", settings.id(), dir,
                    e.toString());
        }
        if (!removed.isEmpty()) {
            LOG.info("{}: removed {} file(s) of a snapshot a crash interrupted: {}", settings.id(), removed.size(),
                    removed);
        }
    }
}
