package io.ratissm;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * A port no program listens on now, for replicas and endpoints a test starts itself, or for an address where
 * nothing answers. Shared with the other modules' tests through this module's test-jar.
 */
public final class FreePorts {
    /** Every port handed out in this JVM: the kernel gives a closed ephemeral port out again soon. */
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {}

    /**
     * A port that was free a moment ago and that this JVM never handed out before (another program may take it
     * before the test does).
     */
    public static synchronized int next() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }
}
