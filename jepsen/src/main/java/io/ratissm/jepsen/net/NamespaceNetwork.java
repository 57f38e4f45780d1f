package io.ratissm.jepsen.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each replica in its own network namespace with its own address, joined by veth pairs to a bridge that also
 * carries the host's address in the subnet (the clients' side). A partition is a set of {@code iptables DROP}
 * rules on the INPUT chain inside the receiving node's namespace, so packets between replicas really vanish
 * while clients, which connect from the bridge address, still reach every node.
 *
 * <p>Everything is named with {@link Leftovers#PREFIX} so that {@link Leftovers#sweep()} finds what a crashed
 * harness left behind. The subnet is one of the documentation ranges (RFC 5737) that no interface of this
 * host uses, so no packet ever leaves for an address this network did not create. Needs root, {@code ip} and
 * {@code iptables}.
 */
public final class NamespaceNetwork implements TestNetwork {
    /** The port every replica listens on, inside its own namespace. */
    static final int PORT = 7000;
    /** The port of every replica's HTTP endpoints. */
    static final int HTTP_PORT = 7080;

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceNetwork.class);
    private static final List<String> SUBNETS = List.of("192.0.2", "198.51.100", "203.0.113");

    private final String subnet;
    private final Map<String, String> hosts = new LinkedHashMap<>();
    private boolean closed;

    private NamespaceNetwork(String subnet) {
        this.subnet = subnet;
    }

    /** Builds the bridge and one namespace per node, after sweeping any leftovers of an earlier harness. */
    public static NamespaceNetwork create(List<String> nodes) {
        Leftovers.sweep();
        NamespaceNetwork net = new NamespaceNetwork(freeSubnet());
        try {
            net.build(nodes);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    /** The first documentation /24 that no interface and no route of this host already uses. */
    private static String freeSubnet() {
        String inUse = HostCommand.run("ip", "-o", "-4", "addr", "show") + HostCommand.run("ip", "-4", "route", "show");
        for (String s : SUBNETS) {
            if (!inUse.contains(s + ".")) {
                return s;
            }
        }
        throw new NetworkSetupException("every documentation subnet (" + SUBNETS + ") is already in use on this "
                + "host; the harness only sends traffic to addresses it creates itself");
    }

    private void build(List<String> nodes) {
        String bridge = Leftovers.PREFIX + "-br";
        HostCommand.run("ip", "link", "add", bridge, "type", "bridge");
        HostCommand.run("ip", "addr", "add", subnet + ".254/24", "dev", bridge);
        HostCommand.run("ip", "link", "set", bridge, "up");
        int i = 1;
        for (String node : nodes) {
            String ns = namespace(node);
            String hostSide = Leftovers.PREFIX + "-h-" + node;
            String nodeSide = Leftovers.PREFIX + "-e-" + node;
            String address = subnet + "." + i++;
            HostCommand.run("ip", "netns", "add", ns);
            HostCommand.run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nodeSide);
            HostCommand.run("ip", "link", "set", nodeSide, "netns", ns);
            HostCommand.run("ip", "-n", ns, "addr", "add", address + "/24", "dev", nodeSide);
            HostCommand.run("ip", "-n", ns, "link", "set", nodeSide, "up");
            HostCommand.run("ip", "-n", ns, "link", "set", "lo", "up");
            HostCommand.run("ip", "link", "set", hostSide, "master", bridge);
            HostCommand.run("ip", "link", "set", hostSide, "up");
            hosts.put(node, address);
        }
        LOG.info("network: {}", describe());
    }

    private static String namespace(String node) {
        return Leftovers.PREFIX + "-" + node;
    }

    @Override
    public String host(String node) {
        String h = hosts.get(node);
        if (h == null) {
            throw new IllegalArgumentException("no node " + node + " in this network; nodes are " + hosts.keySet());
        }
        return h;
    }

    @Override
    public int port(String node) {
        return PORT;
    }

    @Override
    public int httpPort(String node) {
        return HTTP_PORT;
    }

    @Override
    public List<String> launchPrefix(String node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    @Override
    public boolean supportsPartitions() {
        return true;
    }

    @Override
    public synchronized void partition(Map<String, Set<String>> grudge) {
        heal();
        for (Map.Entry<String, Set<String>> e : grudge.entrySet()) {
            for (String from : e.getValue()) {
                iptables(e.getKey(), "-A", "INPUT", "-s", host(from), "-j", "DROP");
            }
        }
    }

    @Override
    public synchronized void heal() {
        for (String node : hosts.keySet()) {
            iptables(node, "-F", "INPUT");
        }
    }

    private void iptables(String node, String... rule) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node), "iptables", "-w"));
        cmd.addAll(List.of(rule));
        HostCommand.run(cmd);
    }

    @Override
    public String describe() {
        return "network namespaces on " + subnet + ".0/24, clients from " + subnet + ".254, nodes " + hosts;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Leftovers.sweep();
    }
}
