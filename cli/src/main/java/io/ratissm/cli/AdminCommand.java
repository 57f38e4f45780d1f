package io.ratissm.cli;

import io.ratissm.GroupAdmin;
import io.ratissm.GroupStatus;
import io.ratissm.shard.ShardAdmin;
import io.ratissm.shard.ShardMap;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ratis-sm admin}: the operations of {@link GroupAdmin} from a shell: status, leadership transfer, snapshot,
 * and membership changes while the group serves.
 */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        description = {
            "Operate a running group: status, leadership, snapshots, adding and removing replicas; create and remove"
                    + " groups on running servers.",
            "--peers needs only one replica that answers; the group's current membership is asked from it.",
            "--timeout bounds transfer-leader; snapshots and membership changes get at least 30 s."
        },
        exitCodeListHeading = GroupOptions.EXIT_CODES_HEADING,
        exitCodeList = {
            "0:done",
            "1:the group refused the operation (the reason is printed)",
            "2:wrong options or arguments (an unknown replica id, an id that is already a member)",
            "3:the group, or the replica named, did not answer in time",
            GroupOptions.EXIT_NO_SUCH_GROUP,
            GroupOptions.EXIT_MISADDRESSED
        })
public final class AdminCommand {
    @Mixin
    GroupOptions group;

    private final PrintStream out;
    private final PrintStream err;

    public AdminCommand() {
        this(System.out, System.err);
    }

    AdminCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show every replica: role, leader, "
                    + "log indexes, and whether it answers. Exit 3 if no replica answers.")
    int status() {
        return with(admin -> {
            GroupStatus s = admin.status();
            out.printf(
                    "group %s: leader %s, members %s%n",
                    group.group,
                    s.leader().orElse("(none)"),
                    s.members().isEmpty() ? "(unknown)" : String.join(" ", s.members()));
            out.printf(
                    "%-8s %-22s %-9s %-6s %-6s %-8s %-8s %-8s %-8s%n",
                    "ID", "ADDRESS", "ROLE", "MEMBER", "TERM", "COMMIT", "APPLIED", "LAST", "SNAPSHOT");
            for (GroupStatus.Member r : s.replicas()) {
                if (r.reachable()) {
                    out.printf(
                            "%-8s %-22s %-9s %-6s %-6d %-8d %-8d %-8d %-8d%n",
                            r.id(),
                            r.address(),
                            r.role(),
                            r.member() ? "yes" : "no",
                            r.log().lastTerm(),
                            r.log().commitIndex(),
                            r.log().appliedIndex(),
                            r.log().lastIndex(),
                            r.log().snapshotIndex());
                } else {
                    out.printf(
                            "%-8s %-22s %-9s %-6s not answering: %s%n",
                            r.id(), r.address(), "-", r.member() ? "yes" : "no", r.error());
                }
            }
            return s.members().isEmpty() ? GroupOptions.UNAVAILABLE : 0;
        });
    }

    @Command(
            name = "transfer-leader",
            mixinStandardHelpOptions = true,
            description = "Make replica ID the leader; returns once it is.")
    int transferLeader(@Parameters(paramLabel = "ID") String id) {
        return with(admin -> {
            admin.transferLeadership(id, group.timeout);
            out.println("OK: " + id + " is the leader");
            return 0;
        });
    }

    @Command(
            name = "snapshot",
            mixinStandardHelpOptions = true,
            description = "Make replica ID take a snapshot now (and purge its log behind it); prints its log index.")
    int snapshot(@Parameters(paramLabel = "ID") String id) {
        return with(admin -> {
            out.println("OK: snapshot of " + id + " at log index " + admin.snapshot(id));
            return 0;
        });
    }

    @Command(
            name = "add-replica",
            mixinStandardHelpOptions = true,
            description = {
                "Add replica ID at HOST:PORT to the group; returns once it is a member.",
                "Start it first with 'ratis-sm server' and join = true in its configuration."
            })
    int addReplica(@Parameters(paramLabel = "ID") String id, @Parameters(paramLabel = "HOST:PORT") String address) {
        return with(admin -> {
            admin.addReplica(id, address);
            out.println("OK: " + id + " is a member");
            return 0;
        });
    }

    @Command(
            name = "remove-replica",
            mixinStandardHelpOptions = true,
            description = {
                "Remove replica ID from the group; returns once it is no longer a member.",
                "The removed replica then stops by itself; its storage is kept (delete it by hand)."
            })
    int removeReplica(@Parameters(paramLabel = "ID") String id) {
        return with(admin -> {
            admin.removeReplica(id);
            out.println("OK: " + id + " is no longer a member");
            return 0;
        });
    }

    @Command(
            name = "move-replica",
            mixinStandardHelpOptions = true,
            description = {
                "Move the group's replica on FROM to the running server TO at HOST:PORT while the group serves: add TO"
                        + " (it receives the state), hand the leadership over if FROM leads, remove FROM.",
                "TO runs already, serving other groups (or started with join = true)."
            })
    int moveReplica(
            @Parameters(paramLabel = "FROM") String from,
            @Parameters(paramLabel = "TO") String to,
            @Parameters(paramLabel = "HOST:PORT") String address) {
        return with(admin -> {
            admin.moveReplica(from, to, address);
            out.println("OK: group " + group.group + "'s replica moved from " + from + " to " + to);
            return 0;
        });
    }

    @Command(
            name = "create-group",
            mixinStandardHelpOptions = true,
            description = {
                "Create group --group on the running servers --peers, which become its members; returns once it has a"
                        + " leader.",
                "Each server serves it beside its other groups, through the same port, with the state machine and"
                        + " settings it was started with.",
                "Nothing is created if a server does not answer; servers that already serve the group are left as"
                        + " they are, so it can be run again."
            })
    int createGroup() {
        return with(admin -> {
            admin.createGroup();
            out.println("OK: group " + group.group + " is served by " + group.peers());
            return 0;
        });
    }

    @Command(
            name = "remove-group",
            mixinStandardHelpOptions = true,
            description = {
                "Remove group --group from every server that serves it and delete its log and snapshots there.",
                "The servers go on serving their other groups. Its state is gone for good."
            })
    int removeGroup() {
        return with(admin -> {
            admin.removeGroup();
            out.println("OK: group " + group.group + " is removed");
            return 0;
        });
    }

    @Command(
            name = "shards",
            mixinStandardHelpOptions = true,
            description = {
                "Show the shard map of a sharded deployment (servers run with sharded = true): its version, and each"
                        + " shard's group, replicas and any move under way.",
                "--peers and --group name the placement group: the servers' own group."
            })
    int shards() {
        return withShards(admin -> {
            printMap(admin.map());
            return 0;
        });
    }

    @Command(
            name = "create-shards",
            mixinStandardHelpOptions = true,
            description = {
                "Create shard set SET of COUNT shards on running sharded servers, each shard a group of REPLICAS"
                        + " replicas placed round robin over SERVERS (id=host:port each; default: --peers).",
                "Shard k's group is SET-k. Running it again for the same set changes nothing."
            })
    int createShards(
            @Parameters(paramLabel = "SET") String set,
            @Parameters(paramLabel = "COUNT") int count,
            @Parameters(paramLabel = "REPLICAS") int replicas,
            @Parameters(paramLabel = "SERVERS", arity = "0..*") List<String> servers) {
        return withShards(admin -> {
            List<String> on =
                    servers == null || servers.isEmpty() ? List.of(group.peers().split(",")) : servers;
            printMap(admin.createShards(set, count, replicas, on));
            return 0;
        });
    }

    @Command(
            name = "move-shard",
            mixinStandardHelpOptions = true,
            description = {
                "Move shard SHARD's replica on server FROM to the running server TO (id=host:port) while clients"
                        + " write: add it, let it receive the state, hand the leadership over if FROM leads, remove"
                        + " FROM, and record the new replicas in the map.",
                "Refused, with nothing changed: a server that is down or not of this deployment, a move that would"
                        + " leave the shard without a majority, a second move of a shard being moved."
            })
    int moveShard(
            @Parameters(paramLabel = "SHARD") int shard,
            @Parameters(paramLabel = "FROM") String from,
            @Parameters(paramLabel = "TO") String to) {
        return withShards(admin -> {
            int eq = to.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("TO is the new server as id=host:port, not '" + to + "'");
            }
            ShardMap map = admin.moveShard(shard, from, to.substring(0, eq), to.substring(eq + 1));
            out.println("OK: shard " + shard + "'s replica moved from " + from + " to " + to.substring(0, eq));
            printMap(map);
            return 0;
        });
    }

    @Command(
            name = "balance",
            mixinStandardHelpOptions = true,
            description = {
                "Move shard replicas between SERVERS (id=host:port each; default: --peers) until each holds as many as"
                        + " the others, give or take one, then even out shard leaderships; one move at a time, under"
                        + " load.",
                "A new server (started with join = true and sharded = true) takes its share this way."
            })
    int balance(@Parameters(paramLabel = "SERVERS", arity = "0..*") List<String> servers) {
        return withShards(admin -> {
            List<String> moves = admin.balance(serversOrPeers(servers));
            moves.forEach(m -> out.println("moved " + m));
            out.println("OK: " + (moves.isEmpty() ? "balanced already" : moves.size() + " change(s)"));
            return 0;
        });
    }

    @Command(
            name = "drain-server",
            mixinStandardHelpOptions = true,
            description = {
                "Move every shard replica off server ID to the other SERVERS (default: --peers), each to the one"
                        + " holding the fewest, so that ID can leave; one move at a time, under load.",
                "Refused if a shard has no server to go to."
            })
    int drainServer(
            @Parameters(paramLabel = "ID") String id,
            @Parameters(paramLabel = "SERVERS", arity = "0..*") List<String> servers) {
        return withShards(admin -> {
            List<String> moves = admin.drain(id, serversOrPeers(servers));
            moves.forEach(m -> out.println("moved " + m));
            out.println("OK: " + id + " holds no shard replica");
            return 0;
        });
    }

    private List<String> serversOrPeers(List<String> servers) {
        return servers == null || servers.isEmpty() ? List.of(group.peers().split(",")) : servers;
    }

    @Command(
            name = "end-move",
            mixinStandardHelpOptions = true,
            description = "End a move of shard SHARD that an admin left unfinished: record the replicas its group has"
                    + " now. Changes nothing if no move is under way.")
    int endMove(@Parameters(paramLabel = "SHARD") int shard) {
        return withShards(admin -> {
            printMap(admin.endMove(shard));
            return 0;
        });
    }

    @Command(
            name = "remove-shards",
            mixinStandardHelpOptions = true,
            description = "Remove the shard set: forget it in the map and remove every shard's group with its storage."
                    + " Its data is gone for good.")
    int removeShards() {
        return withShards(admin -> {
            printMap(admin.removeShards());
            return 0;
        });
    }

    private void printMap(ShardMap map) {
        out.printf(
                "shard map version %d: %s%n",
                map.version(),
                map.shardCount() == 0 ? "no shard set" : "set " + map.set() + ", " + map.shardCount() + " shards");
        for (ShardMap.Shard s : map.shards()) {
            out.printf(
                    "  %d %s %s%s%n",
                    s.index(),
                    s.group(),
                    s.peers(),
                    s.moving().map(m -> " (moving " + m + ")").orElse(""));
        }
    }

    private interface ShardAction {
        int run(ShardAdmin admin);
    }

    private int withShards(ShardAction action) {
        return group.run("admin", err, () -> {
            try (ShardAdmin admin = ShardAdmin.builder()
                    .peers(group.peers())
                    .group(group.group)
                    .tls(group.tls().orElse(null))
                    .timeout(longest(group.timeout))
                    .build()) {
                return action.run(admin);
            } catch (IllegalStateException e) {
                // A move that would leave a shard without a majority, a group that cannot become a shard.
                err.println("ratis-sm admin: refused: " + e.getMessage());
                return GroupOptions.REFUSED;
            }
        });
    }

    private interface AdminAction {
        int run(GroupAdmin admin);
    }

    private int with(AdminAction action) {
        return group.run("admin", err, () -> {
            try (GroupAdmin admin = GroupAdmin.builder()
                    .peers(group.peers())
                    .group(group.group)
                    .tls(group.tls().orElse(null))
                    .timeout(longest(group.timeout))
                    .build()) {
                return action.run(admin);
            }
        });
    }

    /** A membership change may need to send a new replica the whole state: never less than 30 s for it. */
    private static Duration longest(Duration given) {
        return given.compareTo(Duration.ofSeconds(30)) > 0 ? given : Duration.ofSeconds(30);
    }
}
