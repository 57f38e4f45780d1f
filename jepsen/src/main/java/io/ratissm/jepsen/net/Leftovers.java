package io.ratissm.jepsen.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and removes what a harness run leaves on the host: processes inside the harness's namespaces, the
 * namespaces, the veth and bridge links, and the replicas' own filesystems (tmpfs mounts), all recognised by the
 * {@link #PREFIX} in their names. Called at the start of every run (so a harness that was killed cannot poison the
 * next one) and at its end.
 */
public final class Leftovers {
    /** Every namespace and link the harness creates starts with this. */
    public static final String PREFIX = "rsmj";

    private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);

    private Leftovers() {}

    /** Kills processes in harness namespaces, then deletes the namespaces and links and unmounts the disks. */
    public static void sweep() {
        List<String> namespaces = namespaces();
        for (String ns : namespaces) {
            for (String pid : HostCommand.run("ip", "netns", "pids", ns).split("\\s+")) {
                if (!pid.isBlank()) {
                    // SIGCONT first: a paused process cannot die until it runs again.
                    HostCommand.tryRun("kill", "-CONT", pid);
                    HostCommand.tryRun("kill", "-KILL", pid);
                }
            }
        }
        for (String ns : namespaces) {
            awaitEmpty(ns);
            HostCommand.tryRun("ip", "netns", "delete", ns);
        }
        for (String link : links()) {
            HostCommand.tryRun("ip", "link", "delete", link);
        }
        if (!namespaces.isEmpty()) {
            LOG.info("removed harness namespaces {}", namespaces);
        }
        List<String> disks = mounts();
        for (String mountPoint : disks) {
            if (!HostCommand.tryRun("umount", mountPoint)) {
                HostCommand.tryRun("umount", "-l", mountPoint); // still busy: detach it now, freed when unused
            }
        }
        if (!disks.isEmpty()) {
            LOG.info("unmounted harness disks {}", disks);
        }
    }

    /** The mount points of the harness's filesystems (source {@code rsmj-...}) that are mounted now. */
    public static List<String> mounts() {
        List<String> found = new ArrayList<>();
        String table;
        try {
            table = Files.readString(Path.of("/proc/self/mounts"));
        } catch (IOException e) {
            return found; // not Linux: the harness mounted nothing either
        }
        for (String line : table.split("\n")) {
            String[] fields = line.split(" ");
            if (fields.length > 2 && fields[0].startsWith(PREFIX + "-")) {
                found.add(unescape(fields[1]));
            }
        }
        return found;
    }

    /** {@code /proc/self/mounts} writes space, tab, newline and backslash in paths as octal escapes. */
    static String unescape(String field) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\'
                    && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void awaitEmpty(String ns) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!HostCommand.run("ip", "netns", "pids", ns).isBlank() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // waiting for the kernel to reap killed processes, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The harness namespaces that exist now. */
    public static List<String> namespaces() {
        List<String> found = new ArrayList<>();
        for (String line : HostCommand.run("ip", "netns", "list").split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (name.startsWith(PREFIX + "-")) {
                found.add(name);
            }
        }
        return found;
    }

    /** The harness links that exist now in the host namespace. */
    public static List<String> links() {
        List<String> found = new ArrayList<>();
        for (String line : HostCommand.run("ip", "-o", "link", "show").split("\n")) {
            String[] parts = line.split(":\\s+");
            if (parts.length > 1) {
                String name = parts[1].split("@")[0].trim();
                if (name.startsWith(PREFIX + "-")) {
                    found.add(name);
                }
            }
        }
        return found;
    }
}
