package io.ratissm.jepsen.nodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * What a harness replica's JVM does besides running {@code ratis-sm server}, which knows nothing of the harness: a
 * Java agent ({@code -javaagent}) that starts before the server's main class and
 * <ul>
 *   <li>ends the JVM when its standard input closes, so that no replica outlives its harness, even one that was
 *       killed with SIGKILL and ran no clean-up: the exit runs the server's shutdown hook, which stops the replica as
 *       SIGTERM would;</li>
 *   <li>with the argument {@value #FAKED_CLOCK}, keeps the process's wall-clock reading fresh under libfaketime
 *       ({@link #startWallClockReader}).</li>
 * </ul>
 * The agent's jar holds only a manifest ({@link #writeJar}): the JVM loads the agent class from its classpath, which
 * is the harness's own.
 */
public final class NodeAgent {
    /** The agent argument of a replica that runs under libfaketime. */
    static final String FAKED_CLOCK = "faked-clock";

    /** Written only so that the reads of {@link #startWallClockReader} cannot be optimised away. */
    private static volatile long lastWallMillis;

    private NodeAgent() {}

    /** The agent's entry point, before the server's {@code main}. */
    public static void premain(String args) {
        if (FAKED_CLOCK.equals(args)) {
            startWallClockReader();
        }
        daemon("harness watch", () -> exitAtEndOf(System.in));
    }

    /** Writes the agent's jar, a manifest naming this class, to {@code jar}. */
    static Path writeJar(Path jar) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", NodeAgent.class.getName());
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the replicas' agent jar " + jar, e);
        }
    }

    private static void exitAtEndOf(InputStream harness) {
        byte[] buffer = new byte[256];
        try {
            while (harness.read(buffer) >= 0) {
                // the harness writes nothing: only the end of input matters
            }
        } catch (IOException e) {
            // the pipe broke: the harness is gone as well
        }
        System.err.println("harness input closed: stopping the replica");
        System.exit(0);
    }

    /**
     * When libfaketime switches to a new clock rate it restarts both clocks from the last wall-clock reading any
     * thread of this process took; a stale reading would make {@code System.nanoTime} leap by its age (backwards
     * too). Reading the wall clock every millisecond bounds that leap to about a millisecond.
     */
    private static void startWallClockReader() {
        daemon("wall clock reader", () -> {
            while (!Thread.currentThread().isInterrupted()) {
                lastWallMillis = System.currentTimeMillis();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static void daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }
}
