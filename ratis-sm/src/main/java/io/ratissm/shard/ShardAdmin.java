package io.ratissm.shard;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.GroupAdmin;
import io.ratissm.GroupNotFoundException;
import io.ratissm.GroupStatus;
import io.ratissm.RatisSmException;
import io.ratissm.ReplicaClient;
import io.ratissm.Tls;
import io.ratissm.UnavailableException;
import io.ratissm.internal.GroupSpec;
import io.ratissm.internal.proto.PlacementCommand;
import io.ratissm.internal.proto.ShardAssignment;
import io.ratissm.internal.proto.ShardCommand;
import io.ratissm.internal.proto.ShardMapState;
import io.ratissm.internal.proto.ShardMove;
import io.ratissm.internal.proto.ShardReply;
import io.ratissm.internal.proto.ShardState;
import io.ratissm.internal.shard.ShardEndpoints;
import io.ratissm.internal.shard.ShardMaps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Administers a sharded deployment through its placement group: creates the shard set, moves a shard's replica
 * from one server to another while clients write, removes the set. Every change of the map is checked against the
 * version it was computed from ({@link PlacementRefusedException} if another admin changed it since), and one shard
 * is moved by one admin at a time.
 *
 * <p>The servers run {@link Sharded}; the placement group is their own group (named as in their configuration,
 * {@code ratis-sm} by default), and each shard is a group created on some of them ({@link GroupAdmin#createGroup}).
 * Thread-safe; {@link #close} releases nothing today but keeps the door open.
 */
public final class ShardAdmin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardAdmin.class);

    private final ShardEndpoints endpoints;

    private ShardAdmin(ShardEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    /** An admin of the deployment whose placement group has the default name and these replicas. */
    public static ShardAdmin connect(String placementPeers) {
        return builder().peers(placementPeers).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The current shard map, read linearizably from the placement group. */
    public ShardMap map() {
        try (ReplicaClient placement = endpoints.placementClient()) {
            return readMap(placement);
        }
    }

    /**
     * Creates shard set {@code set} of {@code count} shards, each a group of {@code replicas} replicas placed round
     * robin over {@code servers} ({@code id=host:port} each, running servers of this deployment): shard {@code k}'s
     * group is named {@code set-k} and lives on servers {@code k, k+1, ...} (mod the number of servers). Creating the
     * same set again changes nothing.
     *
     * @return the map with the new set
     * @throws IllegalArgumentException   if the numbers do not fit (no shard, more replicas than servers), or the map
     *                                    has another shard set
     * @throws UnavailableException       if a server does not answer (shards created so far stay, unlisted in the map;
     *                                    create the set again once every server answers)
     * @throws PlacementRefusedException  if the map changed while the set was created
     */
    public ShardMap createShards(String set, int count, int replicas, List<String> servers) {
        if (set == null || set.isEmpty() || !set.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException(
                    "a shard set's name is letters, digits, '_', '.' or '-', not '" + set + "'");
        }
        if (count < 1) {
            throw new IllegalArgumentException("a shard set has at least one shard, not " + count);
        }
        Map<String, String> addresses =
                new LinkedHashMap<>(GroupSpec.parse(set, servers).addresses());
        List<String> peers = new ArrayList<>();
        addresses.forEach((id, address) -> peers.add(id + "=" + address));
        if (replicas < 1 || replicas > peers.size()) {
            throw new IllegalArgumentException("a shard has between 1 and " + peers.size() + " replicas (one per server"
                    + " given), not " + replicas);
        }
        try (ReplicaClient placement = endpoints.placementClient()) {
            ShardMap current = readMap(placement);
            if (current.shardCount() > 0) {
                if (current.set().equals(set) && current.shardCount() == count) {
                    return current;
                }
                throw new IllegalArgumentException("the map already has shard set '" + current.set() + "' of "
                        + current.shardCount() + " shards; remove it first (removeShards)");
            }
            long since = current.version() + 1;
            ShardMapState.Builder created = ShardMapState.newBuilder().setSet(set);
            for (int k = 0; k < count; k++) {
                List<String> members = new ArrayList<>();
                for (int r = 0; r < replicas; r++) {
                    members.add(peers.get((k + r) % peers.size()));
                }
                String group = ShardMaps.groupName(set, k);
                try (GroupAdmin admin = endpoints.admin(group, members)) {
                    admin.createGroup();
                }
                ShardAssignment assignment = ShardAssignment.newBuilder()
                        .setSet(set)
                        .setIndex(k)
                        .setCount(count)
                        .setSince(since)
                        .build();
                try (ReplicaClient shard = endpoints.client(group, members)) {
                    ShardReply reply = submit(
                            shard,
                            ShardCommand.newBuilder()
                                    .setAssign(assignment)
                                    .build()
                                    .toByteString());
                    if (reply.hasRefused()) {
                        throw new IllegalStateException("group " + group + " cannot become shard " + k + ": "
                                + reply.getRefused().getReason());
                    }
                }
                created.addShards(ShardState.newBuilder().setGroup(group).addAllMembers(members));
            }
            ShardMap map = change(
                    placement,
                    PlacementCommand.newBuilder()
                            .setExpectedVersion(current.version())
                            .setCreateSet(created)
                            .build());
            LOG.info("created shard set '{}' of {} shards, map version {}", set, count, map.version());
            return map;
        }
    }

    /**
     * Moves shard {@code shard}'s replica on server {@code from} to server {@code toId} at {@code toAddress}, while
     * the shard serves: marks the move in the map (a second move of the same shard is refused until it ends), adds
     * the new replica (it receives the state, by snapshot if need be), hands the leadership over if {@code from}
     * leads, removes {@code from}, and records the new members in the map.
     *
     * <p>If the move fails part way, the map records the members the shard has then (one more, when the new replica
     * was added but the old one not yet removed) and the move ends; the exception says what happened.
     *
     * @return the map after the move
     * @throws IllegalArgumentException  if the shard does not exist, {@code from} is not its replica, or {@code toId}
     *                                   already is
     * @throws UnavailableException      if the server at {@code toAddress} is down, or is not a server of this
     *                                   deployment (nothing changed)
     * @throws IllegalStateException     if the move would leave the shard without a majority of its replicas
     *                                   answering (nothing changed)
     * @throws PlacementRefusedException if the shard is being moved already, or the map changed meanwhile
     */
    public ShardMap moveShard(int shard, String from, String toId, String toAddress) {
        String to = toId + "=" + toAddress;
        GroupSpec.parse(endpoints.placementGroup(), List.of(to)); // a malformed id or address fails here
        try (ReplicaClient placement = endpoints.placementClient()) {
            ShardMap current = readMap(placement);
            ShardMap.Shard s = shardOf(current, shard);
            Map<String, String> members = addresses(s.members());
            if (!members.containsKey(from)) {
                throw new IllegalArgumentException(
                        "'" + from + "' is not a replica of shard " + shard + " (replicas: " + members.keySet() + ")");
            }
            if (members.containsKey(toId)) {
                throw new IllegalArgumentException("'" + toId + "' is a replica of shard " + shard + " already");
            }
            requireServer(toId, toAddress);
            try (GroupAdmin group = endpoints.admin(s.group(), s.members())) {
                requireMajorityAfterMove(group.status(), shard, from);
                ShardMap begun = change(
                        placement,
                        PlacementCommand.newBuilder()
                                .setExpectedVersion(current.version())
                                .setBeginMove(ShardMove.newBuilder()
                                        .setShard(shard)
                                        .setFrom(from)
                                        .setTo(to))
                                .build());
                members.put(toId, toAddress);
                try {
                    group.moveReplica(from, toId, toAddress);
                } catch (RuntimeException e) {
                    try {
                        endMove(placement, begun.version(), shard, group, members);
                    } catch (RuntimeException f) {
                        e.addSuppressed(f);
                    }
                    throw e;
                }
                ShardMap moved = endMove(placement, begun.version(), shard, group, members);
                LOG.info("moved shard {}'s replica from {} to {}, map version {}", shard, from, toId, moved.version());
                return moved;
            }
        }
    }

    /**
     * Moves shard replicas between {@code servers} ({@code id=host:port} each, running servers of this deployment)
     * until each holds as many as the others, give or take one, then moves shard leaderships likewise. A server new to
     * the deployment (started with {@code join}) takes its share this way; every move is a {@link #moveShard}, one at a
     * time, under load.
     *
     * @return the moves made, as {@code "shard k: from -> to"}, then the leadership transfers as
     *     {@code "shard k: leader from -> to"}
     * @throws IllegalArgumentException if a server is malformed or given twice
     */
    public List<String> balance(List<String> servers) {
        Map<String, String> addresses = new LinkedHashMap<>(
                GroupSpec.parse(endpoints.placementGroup(), servers).addresses());
        List<String> done = new ArrayList<>();
        for (int moves = 0; moves < 1_000; moves++) {
            ShardMap map = map();
            Map<String, Integer> held = replicasPerServer(map, addresses.keySet());
            String most = extreme(held, true);
            String fewest = extreme(held, false);
            if (held.get(most) - held.get(fewest) <= 1) {
                break;
            }
            ShardMap.Shard shard = map.shards().stream()
                    .filter(s -> addresses(s.members()).containsKey(most))
                    .filter(s -> !addresses(s.members()).containsKey(fewest))
                    .findFirst()
                    .orElse(null);
            if (shard == null) {
                break; // every shard on the fullest server is on the emptiest one too: as even as it gets
            }
            moveShard(shard.index(), most, fewest, addresses.get(fewest));
            done.add("shard " + shard.index() + ": " + most + " -> " + fewest);
        }
        done.addAll(balanceLeaders(addresses.keySet()));
        return done;
    }

    /**
     * Moves every shard replica off server {@code id} to the other {@code servers}, each to the one holding the fewest,
     * so that the server can leave the deployment. The server's placement-group membership is not changed (use
     * {@link GroupAdmin#removeReplica} on the placement group if it is a member).
     *
     * @return the moves made, as {@code "shard k: id -> to"}
     * @throws IllegalStateException if a shard's replica has no server to go to (every other server holds one)
     */
    public List<String> drain(String id, List<String> servers) {
        Map<String, String> addresses = new LinkedHashMap<>(
                GroupSpec.parse(endpoints.placementGroup(), servers).addresses());
        addresses.remove(id);
        List<String> done = new ArrayList<>();
        for (ShardMap.Shard s : map().shards()) {
            Map<String, String> members = addresses(s.members());
            if (!members.containsKey(id)) {
                continue;
            }
            Map<String, Integer> held = replicasPerServer(map(), addresses.keySet());
            String to = held.entrySet().stream()
                    .filter(e -> !members.containsKey(e.getKey()))
                    .min(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey)
                    .orElseThrow(() -> new IllegalStateException("shard " + s.index() + "'s replica on " + id
                            + " has no server to go to: every other server (" + addresses.keySet()
                            + ") holds a replica of it; start another server first"));
            moveShard(s.index(), id, to, addresses.get(to));
            done.add("shard " + s.index() + ": " + id + " -> " + to);
        }
        return done;
    }

    /** Hands shard leaderships from servers that lead more than their share to members that lead fewer. */
    private List<String> balanceLeaders(Set<String> servers) {
        ShardMap map = map();
        Map<String, Integer> leads = new LinkedHashMap<>();
        servers.forEach(id -> leads.put(id, 0));
        Map<Integer, String> leaderOf = new LinkedHashMap<>();
        for (ShardMap.Shard s : map.shards()) {
            try (GroupAdmin group = endpoints.admin(s.group(), s.members())) {
                group.status().leader().ifPresent(l -> {
                    leaderOf.put(s.index(), l);
                    leads.merge(l, 1, Integer::sum);
                });
            }
        }
        int share = (map.shardCount() + servers.size() - 1) / Math.max(1, servers.size());
        List<String> done = new ArrayList<>();
        for (ShardMap.Shard s : map.shards()) {
            String leader = leaderOf.get(s.index());
            if (leader == null || leads.getOrDefault(leader, 0) <= share) {
                continue;
            }
            String to = addresses(s.members()).keySet().stream()
                    .filter(id -> !id.equals(leader) && leads.getOrDefault(id, 0) < share)
                    .min((a, b) -> Integer.compare(leads.getOrDefault(a, 0), leads.getOrDefault(b, 0)))
                    .orElse(null);
            if (to == null) {
                continue;
            }
            try (GroupAdmin group = endpoints.admin(s.group(), s.members())) {
                group.transferLeadership(to, endpoints.timeout());
            }
            leads.merge(leader, -1, Integer::sum);
            leads.merge(to, 1, Integer::sum);
            done.add("shard " + s.index() + ": leader " + leader + " -> " + to);
        }
        return done;
    }

    private static Map<String, Integer> replicasPerServer(ShardMap map, Set<String> servers) {
        Map<String, Integer> held = new LinkedHashMap<>();
        servers.forEach(id -> held.put(id, 0));
        for (ShardMap.Shard s : map.shards()) {
            for (String id : addresses(s.members()).keySet()) {
                held.computeIfPresent(id, (k, n) -> n + 1);
            }
        }
        return held;
    }

    private static String extreme(Map<String, Integer> held, boolean most) {
        return held.entrySet().stream()
                .max((a, b) -> most
                        ? Integer.compare(a.getValue(), b.getValue())
                        : Integer.compare(b.getValue(), a.getValue()))
                .orElseThrow(() -> new IllegalArgumentException("no servers given"))
                .getKey();
    }

    /**
     * Ends a move that an admin left unfinished (it stopped between the start and the end of {@link #moveShard}):
     * records the members the shard's group has now and clears the move. Changes nothing if no move is recorded.
     *
     * @return the map after
     */
    public ShardMap endMove(int shard) {
        try (ReplicaClient placement = endpoints.placementClient()) {
            ShardMap current = readMap(placement);
            ShardMap.Shard s = shardOf(current, shard);
            if (s.moving().isEmpty()) {
                return current;
            }
            Map<String, String> known = addresses(s.members());
            String to = s.moving().get().substring(s.moving().get().indexOf(" -> ") + 4);
            known.putAll(addresses(List.of(to)));
            try (GroupAdmin group = endpoints.admin(s.group(), s.members())) {
                return endMove(placement, current.version(), shard, group, known);
            }
        }
    }

    /**
     * Removes the shard set: forgets it in the map, then removes every shard's group with its storage on every
     * server. Its data is gone. Clients with the old map get {@link GroupNotFoundException} or an error naming the
     * empty map.
     *
     * @return the map after
     */
    public ShardMap removeShards() {
        try (ReplicaClient placement = endpoints.placementClient()) {
            ShardMap current = readMap(placement);
            if (current.shardCount() == 0) {
                return current;
            }
            ShardMap after = change(
                    placement,
                    PlacementCommand.newBuilder()
                            .setExpectedVersion(current.version())
                            .setRemoveSet(true)
                            .build());
            for (ShardMap.Shard s : current.shards()) {
                try (GroupAdmin group = endpoints.admin(s.group(), s.members())) {
                    group.removeGroup();
                }
            }
            LOG.info("removed shard set '{}', map version {}", current.set(), after.version());
            return after;
        }
    }

    @Override
    public void close() {}

    private ShardMap endMove(
            ReplicaClient placement, long version, int shard, GroupAdmin group, Map<String, String> known) {
        List<String> now = new ArrayList<>();
        for (String id : group.status().members()) {
            String address = known.get(id);
            if (address == null) {
                throw new IllegalStateException("shard " + shard + "'s group has member '" + id
                        + "', whose address neither the map nor the move knows");
            }
            now.add(id + "=" + address);
        }
        return change(
                placement,
                PlacementCommand.newBuilder()
                        .setExpectedVersion(version)
                        .setEndMove(ShardMove.newBuilder().setShard(shard).addAllMembers(now))
                        .build());
    }

    /** The target must be a running server of this deployment: it serves the placement group. */
    private void requireServer(String toId, String toAddress) {
        try (GroupAdmin probe = endpoints.admin(endpoints.placementGroup(), List.of(toId + "=" + toAddress))) {
            GroupStatus.Member m = probe.status().replicas().stream()
                    .filter(r -> r.id().equals(toId))
                    .findFirst()
                    .orElse(null);
            if (m == null || !m.reachable()) {
                throw new UnavailableException(
                        "server " + toId + " at " + toAddress + " does not answer"
                                + (m == null ? "" : " (" + m.error() + ")") + "; nothing was moved",
                        null);
            }
        } catch (GroupNotFoundException e) {
            throw new UnavailableException(
                    "the server at " + toAddress + " is not a server of this deployment: it does not serve the"
                            + " placement group '" + endpoints.placementGroup() + "'; nothing was moved",
                    e);
        }
    }

    /**
     * A move has the group one larger, then back to its size without {@code from}: both must keep a majority of
     * members that answer, counting the new replica.
     */
    private static void requireMajorityAfterMove(GroupStatus status, int shard, String from) {
        Set<String> answering = new HashSet<>();
        status.replicas().stream().filter(r -> r.member() && r.reachable()).forEach(r -> answering.add(r.id()));
        int size = status.members().size();
        boolean fromAnswers = answering.contains(from);
        int duringMove = answering.size() + 1; // the members that answer and the new replica
        int afterMove = answering.size() - (fromAnswers ? 1 : 0) + 1;
        if (duringMove < (size + 1) / 2 + 1 || afterMove < size / 2 + 1) {
            throw new IllegalStateException("moving shard " + shard + "'s replica from " + from
                    + " would leave it without a majority: of its members " + status.members() + " only "
                    + answering + " answer; nothing was moved");
        }
    }

    private static ShardMap.Shard shardOf(ShardMap map, int shard) {
        if (map.shardCount() == 0) {
            throw new IllegalArgumentException("the map (version " + map.version() + ") has no shard set");
        }
        if (shard < 0 || shard >= map.shardCount()) {
            throw new IllegalArgumentException(
                    "no shard " + shard + ": shard set '" + map.set() + "' has shards 0 to " + (map.shardCount() - 1));
        }
        return map.shards().get(shard);
    }

    private static Map<String, String> addresses(List<String> peers) {
        Map<String, String> addresses = new LinkedHashMap<>();
        for (String p : peers) {
            int eq = p.indexOf('=');
            addresses.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return addresses;
    }

    static ShardMap readMap(ReplicaClient placement) {
        try {
            return toMap(placement.query(ShardEndpoints.mapQuery()));
        } catch (CommandRejected e) {
            throw new RatisSmException("the placement group refused to give its map: " + e.getMessage(), e);
        }
    }

    /** The map in the placement group's reply to the map query. */
    static ShardMap toMap(ByteString bytes) {
        ShardReply reply = ShardEndpoints.parseReply(bytes);
        if (!reply.hasMap()) {
            throw new RatisSmException("the placement group did not answer with a map: "
                    + (reply.hasRefused() ? reply.getRefused().getReason() : reply.getKindCase()));
        }
        return ShardMaps.fromState(reply.getMap());
    }

    private static ShardMap change(ReplicaClient placement, PlacementCommand command) {
        ShardReply reply = submit(
                placement,
                ShardCommand.newBuilder().setPlacement(command).build().toByteString());
        if (reply.hasRefused()) {
            throw new PlacementRefusedException("the placement group refused the change: "
                    + reply.getRefused().getReason());
        }
        return ShardMaps.fromState(reply.getMap());
    }

    private static ShardReply submit(ReplicaClient client, ByteString command) {
        try {
            return ShardEndpoints.parseReply(client.submit(command));
        } catch (CommandRejected e) {
            throw new RatisSmException("a sharded group refused an admin command: " + e.getMessage(), e);
        }
    }

    /** Builds a {@link ShardAdmin}. Required: {@link #peers}. */
    public static final class Builder {
        private final List<String> peers = new ArrayList<>();
        private String group = GroupSpec.DEFAULT_NAME;
        private Duration timeout = Duration.ofSeconds(30);
        private Tls tls;

        private Builder() {}

        /** The placement group's replicas, {@code id=host:port}, comma separated or one per argument. */
        public Builder peers(String... peers) {
            for (String p : peers) {
                this.peers.addAll(List.of(p.split(",")));
            }
            return this;
        }

        /** The placement group's name: the servers' own group (default {@code ratis-sm}). */
        public Builder group(String name) {
            this.group = name;
            return this;
        }

        /** How long one step may take (a move's snapshot transfer included; default 30 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Mutual TLS, when the servers require it (default: plaintext). */
        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        public ShardAdmin build() {
            return new ShardAdmin(new ShardEndpoints(group, peers, tls, timeout));
        }
    }
}
