package io.ratissm.jepsen.net;

import java.util.List;

/**
 * Chooses the network for a run: namespaces when this process can build them (root, {@code ip} and
 * {@code iptables} present), otherwise loopback with the reason, so a run without root still injects the faults
 * that need no network control.
 */
public final class Networks {
    private Networks() {}

    /** Null if namespaces can be built here, else why not. */
    public static String whyNoNamespaces() {
        if (!HostCommand.runningAsRoot()) {
            return "not running as root";
        }
        if (!HostCommand.available("ip")) {
            return "the 'ip' command (iproute2) is missing";
        }
        if (!HostCommand.available("iptables")) {
            return "the 'iptables' command is missing (apt-get install -y iptables)";
        }
        return null;
    }

    /** The best network this host allows for {@code nodes}; {@code wantNamespaces=false} forces loopback. */
    public static TestNetwork create(List<String> nodes, boolean wantNamespaces) {
        String why = wantNamespaces ? whyNoNamespaces() : "loopback requested";
        return why == null ? NamespaceNetwork.create(nodes) : new LoopbackNetwork(nodes, why);
    }
}
