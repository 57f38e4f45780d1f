package io.ratissm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small file system of its own (tmpfs) for one replica's storage, that a test fills and frees like a disk that
 * runs full: {@link #fill()} writes a file until no space is left, {@link #free()} deletes it. Mounting needs root;
 * {@link #whyNot()} says why a test must be skipped elsewhere. {@link #close()} unmounts. Public for the tests of
 * internal packages.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    private SmallDisk(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Null if tmpfs can be mounted here (root on Linux); otherwise why not. */
    public static String whyNot() {
        if (!System.getProperty("os.name").toLowerCase().contains("linux")) {
            return "mounting a small tmpfs needs Linux";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "mounting a small tmpfs needs root (CI runs as root)";
        }
        return null;
    }

    /** Mounts an empty tmpfs of {@code mebibytes} on {@code dir}, which is created if needed. */
    public static SmallDisk mount(Path dir, int mebibytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", dir.toString());
        return new SmallDisk(dir);
    }

    /** Takes up the free space but about {@code leave} bytes, with one file. */
    public void fill(long leave) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (Files.getFileStore(dir).getUsableSpace() > leave + block.length) {
                out.write(block);
            }
        }
    }

    /** Takes up every free byte: writes until the file system refuses. */
    public void fill() throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (; ; ) {
                out.write(block);
            }
        } catch (IOException noSpaceLeft) {
            // what was asked
        }
    }

    /** Deletes what {@link #fill} wrote. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    public long freeBytes() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", dir.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
