package io.ratissm.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * A group as the user names it: a group name and replicas written {@code id=host:port}. The Raft group id is
 * derived from the name, so servers and clients that agree on the name agree on the group.
 */
public final class GroupSpec {
    public static final String DEFAULT_NAME = "ratis-sm";

    private final String name;
    private final Map<String, String> addresses;

    private GroupSpec(String name, Map<String, String> addresses) {
        this.name = name;
        this.addresses = addresses;
    }

    /**
     * Parses {@code "n1=127.0.0.1:7001,n2=..."} (comma separated) or one entry per list element.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code id=host:port}, or a repeated id or
     *                                  address (two replicas cannot share a port)
     */
    public static GroupSpec parse(String name, List<String> entries) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("the group name must not be empty");
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String entry : entries) {
            for (String part : entry.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                int colon = p.lastIndexOf(':');
                if (eq <= 0 || colon < eq + 2 || colon == p.length() - 1) {
                    throw new IllegalArgumentException("replica '" + p + "' is not of the form id=host:port");
                }
                String id = p.substring(0, eq);
                String port = p.substring(colon + 1);
                try {
                    int n = Integer.parseInt(port);
                    if (n <= 0 || n > 65535) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("replica '" + p + "' has an invalid port '" + port + "'");
                }
                String address = p.substring(eq + 1);
                if (addresses.put(id, address) != null) {
                    throw new IllegalArgumentException("replica id '" + id + "' appears twice");
                }
                if (addresses.values().stream().filter(address::equals).count() > 1) {
                    throw new IllegalArgumentException("address '" + address + "' is given to two replicas");
                }
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a group needs at least one replica (id=host:port)");
        }
        return new GroupSpec(name, addresses);
    }

    public String name() {
        return name;
    }

    public Map<String, String> addresses() {
        return addresses;
    }

    public boolean contains(String id) {
        return addresses.containsKey(id);
    }

    public String address(String id) {
        String a = addresses.get(id);
        if (a == null) {
            throw new IllegalArgumentException("unknown replica '" + id + "'; the group has " + addresses.keySet());
        }
        return a;
    }

    public RaftGroupId groupId() {
        return groupIdOf(name);
    }

    /** The Raft group id of the group named {@code name}. */
    public static RaftGroupId groupIdOf(String name) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("ratis-sm/" + name).getBytes(StandardCharsets.UTF_8)));
    }

    public RaftGroup raftGroup() {
        List<RaftPeer> peers = new ArrayList<>();
        addresses.keySet().forEach(id -> peers.add(raftPeer(id)));
        return RaftGroup.valueOf(groupId(), peers);
    }

    /**
     * The group a replica joining a running group starts with: no voting members, and the replica itself as a
     * listener. It then takes no part in elections and learns the configuration from the leader once an admin adds
     * it (or once the leader reaches it, for a replica the group already counts). Ratis turns a listener into a
     * follower once the configuration it received counts it as a voter. A replica that started with no membership
     * at all, as Ratis's membership example does, became a follower on the leader's first message and campaigned
     * if the leader then went quiet for an election timeout, before the configuration came; Ratis shuts a
     * candidate outside its own configuration down for good.
     */
    public RaftGroup joiningRaftGroup(String self) {
        RaftPeer listener = RaftPeer.newBuilder()
                .setId(RaftPeerId.valueOf(self))
                .setAddress(address(self))
                .setStartupRole(RaftPeerRole.LISTENER)
                .build();
        return RaftGroup.valueOf(groupId(), listener);
    }

    public RaftPeer raftPeer(String id) {
        return RaftPeer.newBuilder()
                .setId(RaftPeerId.valueOf(id))
                .setAddress(address(id))
                .build();
    }

    @Override
    public String toString() {
        return name + addresses;
    }
}
