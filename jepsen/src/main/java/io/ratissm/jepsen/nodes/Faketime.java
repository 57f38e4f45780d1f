package io.ratissm.jepsen.nodes;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libfaketime on this host: how a replica JVM is started under it so that the clock nemeses can move its clocks
 * while it runs. The library is loaded with {@code LD_PRELOAD}; each replica's fake time is a one-line spec in its
 * own control file ({@code FAKETIME_TIMESTAMP_FILE}), re-read at most once per real second
 * ({@code FAKETIME_CACHE_DURATION=0}), which {@link NodeClock} rewrites.
 *
 * <p>Why these settings:
 * <ul>
 *   <li>The multi-threaded build ({@code libfaketimeMT}) serialises its bookkeeping. With the plain build, a
 *       thread reading the clock while another re-reads a changed spec can see a half-updated state: one reading
 *       off by the whole time the process has run times the rate change.</li>
 *   <li>{@code FAKETIME_DONT_FAKE_MONOTONIC=0}: {@code System.nanoTime} ({@code CLOCK_MONOTONIC}) is faked with
 *       the same spec as {@code System.currentTimeMillis} ({@code CLOCK_REALTIME}). Ratis times everything
 *       (election timeouts, heartbeats, the leader lease) with {@code nanoTime}, so a rate fault must reach it.
 *       libfaketime has one spec per process: an offset moves both clocks.</li>
 *   <li>{@code FAKETIME_XRESET=1}: a new rate takes effect from the current fake time instead of being applied
 *       to the whole time since the process started (which would make the clocks leap).</li>
 *   <li>{@code NO_FAKE_STAT=1}: file times stay real, so only the clocks are faulty.</li>
 *   <li>{@code LC_NUMERIC=C}: libfaketime parses {@code x0.5} with the C library's locale.</li>
 * </ul>
 * libfaketime also keeps a semaphore and a shared-memory file per process in {@code /dev/shm}, which a killed
 * process leaves behind; {@link #sweepStale} removes those of processes that no longer exist.
 */
public final class Faketime {
    /** The multi-threaded build first; the Debian package {@code libfaketime} installs both. */
    private static final List<String> NAMES = List.of("libfaketimeMT.so.1", "libfaketime.so.1");

    private static final List<Path> DIRS =
            List.of(Path.of("/usr/lib/faketime"), Path.of("/usr/local/lib/faketime"), Path.of("/usr/lib64/faketime"));
    private static final Path SHM = Path.of("/dev/shm");
    private static final Pattern SHM_FILE = Pattern.compile("(?:faketime_shm_|sem\\.faketime_sem_)(\\d+)");

    private Faketime() {}

    /**
     * The system property that overrides the search: a library path, or {@code none} to run the replicas with
     * real clocks (and refuse the clock faults) even where libfaketime is installed.
     */
    public static final String PROPERTY = "ratissm.jepsen.libfaketime";

    /**
     * The preload library, if installed ({@code /usr/lib/<arch>/faketime/libfaketimeMT.so.1} on Debian) or named
     * by {@link #PROPERTY}.
     */
    public static Optional<Path> library() {
        String chosen = System.getProperty(PROPERTY);
        if (chosen != null) {
            return chosen.equals("none")
                    ? Optional.empty()
                    : Optional.of(Path.of(chosen)).filter(Files::isReadable);
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> arches = Files.newDirectoryStream(Path.of("/usr/lib"), "*-linux-gnu*")) {
            arches.forEach(a -> dirs.add(a.resolve("faketime")));
        } catch (IOException e) {
            // no multiarch directories: only the fixed ones below
        }
        dirs.addAll(DIRS);
        for (String name : NAMES) {
            for (Path dir : dirs) {
                Path lib = dir.resolve(name);
                if (Files.isReadable(lib)) {
                    return Optional.of(lib);
                }
            }
        }
        return Optional.empty();
    }

    /** Null if clocks can be faked here, else why not (for the error that refuses the clock faults). */
    public static String whyUnavailable() {
        if (library().isPresent()) {
            return null;
        }
        String chosen = System.getProperty(PROPERTY);
        if (chosen == null) {
            return "libfaketime is not installed (apt-get install -y faketime)";
        }
        return "-D" + PROPERTY + "=" + chosen + (chosen.equals("none") ? "" : " is not readable");
    }

    /**
     * The words to put in front of a replica's {@code java} command: {@code env} with the preload and the control
     * file. Placed after the network's launch prefix, so that only the JVM is faked, not {@code ip}.
     */
    static List<String> envPrefix(Path library, Path controlFile) {
        return List.of(
                "env",
                "-u",
                "LC_ALL",
                "LD_PRELOAD=" + library,
                "FAKETIME_TIMESTAMP_FILE=" + controlFile,
                "FAKETIME_CACHE_DURATION=0",
                "FAKETIME_XRESET=1",
                "FAKETIME_DONT_FAKE_MONOTONIC=0",
                "NO_FAKE_STAT=1",
                "LC_NUMERIC=C");
    }

    /** Removes libfaketime's {@code /dev/shm} files of processes that no longer exist (killed replicas). */
    public static void sweepStale() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(SHM, "*faketime_*")) {
            for (Path f : files) {
                Matcher m = SHM_FILE.matcher(f.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            // no /dev/shm or not ours to clean: the files are a few bytes each
        }
    }
}
