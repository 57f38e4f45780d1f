package io.ratissm;

import java.io.IOException;
import java.net.ServerSocket;

/**
 * A port no program listens on now, for replicas and endpoints a test starts itself, or for an address where
 * nothing answers. Shared with the other modules' tests through this module's test-jar.
 */
public final class FreePorts {
    private FreePorts() {}

    /** A port that was free a moment ago (another program may take it before the test does). */
    public static int next() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
