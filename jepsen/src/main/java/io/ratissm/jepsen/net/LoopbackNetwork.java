package io.ratissm.jepsen.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every replica on 127.0.0.1 with its own free port: the network for runs without root, where only process
 * faults (kill, pause) and snapshots can be injected. Ports are chosen once, so a restarted node comes back on
 * the same address.
 */
public final class LoopbackNetwork implements TestNetwork {
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    private final String reason;

    /** {@code reason} says why partitions are unavailable, for the run's log. */
    public LoopbackNetwork(List<String> nodes, String reason) {
        this.reason = reason;
        for (String node : nodes) {
            ports.put(node, unusedPort());
            httpPorts.put(node, unusedPort());
        }
    }

    /** A free port that this network did not hand out already (the kernel may offer a just-closed one again). */
    private int unusedPort() {
        int port;
        do {
            port = freePort();
        } while (ports.containsValue(port) || httpPorts.containsValue(port));
        return port;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for a replica", e);
        }
    }

    @Override
    public String host(String node) {
        return "127.0.0.1";
    }

    @Override
    public int port(String node) {
        return ports.get(node);
    }

    @Override
    public int httpPort(String node) {
        return httpPorts.get(node);
    }

    @Override
    public List<String> launchPrefix(String node) {
        return List.of();
    }

    @Override
    public boolean supportsPartitions() {
        return false;
    }

    @Override
    public void partition(Map<String, Set<String>> grudge) {
        throw new UnsupportedOperationException("partitions need network namespaces, which need root: " + reason);
    }

    @Override
    public void heal() {
        // Nothing is ever cut on loopback.
    }

    @Override
    public String describe() {
        return "loopback 127.0.0.1, no partitions (" + reason + ")";
    }

    @Override
    public void close() {}
}
