package io.ratissm;

import java.io.IOException;
import java.net.ServerSocket;

/** A port no program listens on now, for replicas and endpoints a test starts itself. */
final class FreePorts {
    private FreePorts() {
    }

    static int next() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
