package io.ratissm.internal.shard;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.CommandRejected;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachine;
import io.ratissm.internal.proto.KeyedCommand;
import io.ratissm.internal.proto.PlacementCommand;
import io.ratissm.internal.proto.ShardAssignment;
import io.ratissm.internal.proto.ShardCommand;
import io.ratissm.internal.proto.ShardMapState;
import io.ratissm.internal.proto.ShardQuery;
import io.ratissm.internal.proto.ShardRefusal;
import io.ratissm.internal.proto.ShardReply;
import io.ratissm.internal.proto.ShardRole;
import io.ratissm.internal.proto.ShardSnapshotHeader;
import io.ratissm.internal.proto.ShardUpdate;
import io.ratissm.shard.ShardMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The state machine every group of a sharded deployment runs: the user's state machine behind a role. The role is
 * replicated state, set once: the placement group (which holds the shard map) or shard {@code k} of {@code n}
 * (which runs the user's commands for the keys it owns). Until then the group is unassigned and refuses keyed
 * commands.
 *
 * <p>Ownership is checked in apply, from replicated state only, so every replica refuses a misrouted command alike
 * and a stale route can never reach the user's state machine of the wrong shard. A refusal is an ordinary reply
 * ({@link ShardReply#getRefused()}), so that the client can refresh its map and send the command again.
 */
public class ShardedGroup implements StateMachine {
    final StateMachine user;
    private ShardRole role = ShardRole.getDefaultInstance();
    private ShardMapState map = ShardMapState.getDefaultInstance();

    ShardedGroup(StateMachine user) {
        this.user = user;
    }

    @Override
    public ByteString apply(ByteString command) throws CommandRejected {
        ShardCommand c = parseCommand(command);
        return switch (c.getKindCase()) {
            case KEYED -> {
                ShardReply refused = refusal(c.getKeyed());
                yield refused != null
                        ? refused.toByteString()
                        : reply(user.apply(c.getKeyed().getCommand()));
            }
            case ASSIGN -> change(c).reply().toByteString();
            case PLACEMENT -> change(c).reply().toByteString();
            default -> throw new MalformedCommand("an empty sharded command");
        };
    }

    @Override
    public ByteString query(ByteString query) throws CommandRejected {
        ShardQuery q;
        try {
            q = ShardQuery.parseFrom(query);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommand("a query to a sharded group does not parse: " + e.getMessage());
        }
        return switch (q.getKindCase()) {
            case KEYED -> {
                ShardReply refused = refusal(q.getKeyed());
                yield refused != null
                        ? refused.toByteString()
                        : reply(user.query(q.getKeyed().getCommand()));
            }
            case MAP ->
                role.hasPlacement() || role.getKindCase() == ShardRole.KindCase.KIND_NOT_SET
                        ? ShardReply.newBuilder().setMap(map).build().toByteString()
                        : refused("this group is shard " + describe(role.getShard()) + ", not the placement group", 0)
                                .toByteString();
            case ROLE -> ShardReply.newBuilder().setRole(role).build().toByteString();
            default -> throw new MalformedCommand("an empty sharded query");
        };
    }

    @Override
    public void validate(ByteString command) throws CommandRejected {
        ShardCommand c = parseCommand(command);
        if (c.hasKeyed()) {
            user.validate(c.getKeyed().getCommand());
        }
    }

    /** The outcome of an assignment or a placement change: its reply, and the update that repeats it. */
    record Change(ShardReply reply, ShardUpdate update) {}

    /** Applies an assignment or a placement change to this state. */
    Change change(ShardCommand c) {
        if (c.hasAssign()) {
            ShardAssignment a = c.getAssign();
            if (role.hasShard() && role.getShard().equals(a)) {
                return new Change(roleReply(), ShardUpdate.getDefaultInstance());
            }
            if (role.getKindCase() != ShardRole.KindCase.KIND_NOT_SET) {
                return new Change(
                        refused(
                                "this group is "
                                        + (role.hasPlacement()
                                                ? "the placement group"
                                                : "shard " + describe(role.getShard()))
                                        + " already; a group's role never changes",
                                role.hasShard() ? role.getShard().getSince() : map.getVersion()),
                        ShardUpdate.getDefaultInstance());
            }
            if (a.getCount() == 0 || a.getIndex() >= a.getCount() || a.getSet().isEmpty()) {
                return new Change(refused("not a shard: " + describe(a), 0), ShardUpdate.getDefaultInstance());
            }
            role = ShardRole.newBuilder().setShard(a).build();
            return new Change(roleReply(), ShardUpdate.newBuilder().setAssign(a).build());
        }
        if (role.hasShard()) {
            return new Change(
                    refused(
                            "this group is shard " + describe(role.getShard()) + ", not the placement group",
                            role.getShard().getSince()),
                    ShardUpdate.getDefaultInstance());
        }
        PlacementCommand p = c.getPlacement();
        PlacementChanges.Outcome outcome = PlacementChanges.apply(map, p);
        if (outcome.isRefused()) {
            return new Change(refused(outcome.refusal(), map.getVersion()), ShardUpdate.getDefaultInstance());
        }
        setPlacement(outcome.map());
        return new Change(
                ShardReply.newBuilder().setMap(map).build(),
                ShardUpdate.newBuilder().setMap(map).build());
    }

    /** Repeats a change described by {@link #change} (PASSIVE mode's followers). */
    void repeat(ShardUpdate u) {
        switch (u.getKindCase()) {
            case ASSIGN -> role = ShardRole.newBuilder().setShard(u.getAssign()).build();
            case MAP -> setPlacement(u.getMap());
            default -> {}
        }
    }

    private void setPlacement(ShardMapState next) {
        role = ShardRole.newBuilder().setPlacement(true).build();
        map = next;
    }

    /** Why this group refuses a keyed command or query; null if it owns the key under the route given. */
    ShardReply refusal(KeyedCommand k) {
        if (!role.hasShard()) {
            return refused(
                    (role.hasPlacement() ? "this group is the placement group" : "this group is not a shard yet")
                            + "; key '" + k.getKey() + "' belongs to a shard",
                    map.getVersion());
        }
        ShardAssignment a = role.getShard();
        if (k.getShard() != a.getIndex() || k.getShardCount() != a.getCount()) {
            return refused(
                    "routed to shard " + k.getShard() + " of " + k.getShardCount() + ", but this group is shard "
                            + describe(a),
                    a.getSince());
        }
        int owner = ShardMap.shardOf(k.getKey(), a.getCount());
        if (owner != a.getIndex()) {
            return refused(
                    "key '" + k.getKey() + "' belongs to shard " + owner + ", not to shard " + describe(a),
                    a.getSince());
        }
        if (k.getMapVersion() < a.getSince()) {
            return refused(
                    "routed by map version " + k.getMapVersion() + ", older than shard " + describe(a)
                            + " (it owns its keys since version " + a.getSince() + ")",
                    a.getSince());
        }
        return null;
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        header().writeDelimitedTo(out);
        user.writeSnapshot(out);
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        ShardSnapshotHeader h = ShardSnapshotHeader.parseDelimitedFrom(in);
        if (h == null) {
            throw new IOException("the snapshot of a sharded group is empty: no role header");
        }
        role = h.getRole();
        map = h.getMap();
        user.readSnapshot(in);
    }

    @Override
    public Optional<ByteString> digest() {
        Optional<ByteString> users = user.digest();
        if (users.isEmpty()) {
            return Optional.empty();
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(header().toByteArray());
            sha.update(users.get().toByteArray());
            return Optional.of(ByteString.copyFrom(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public boolean queriesAreThreadSafe() {
        // The role and the map change only in a change, which never runs beside a read.
        return user.queriesAreThreadSafe();
    }

    private ShardSnapshotHeader header() {
        return ShardSnapshotHeader.newBuilder().setRole(role).setMap(map).build();
    }

    private ShardReply roleReply() {
        return ShardReply.newBuilder().setRole(role).build();
    }

    static ByteString reply(ByteString userReply) {
        return ShardReply.newBuilder().setReply(userReply).build().toByteString();
    }

    static ShardReply refused(String reason, long version) {
        return ShardReply.newBuilder()
                .setRefused(ShardRefusal.newBuilder().setReason(reason).setMapVersion(version))
                .build();
    }

    static ShardCommand parseCommand(ByteString command) throws MalformedCommand {
        try {
            return ShardCommand.parseFrom(command);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommand("a command to a sharded group does not parse: " + e.getMessage());
        }
    }

    private static String describe(ShardAssignment a) {
        return a.getIndex() + " of " + a.getCount() + " of set '" + a.getSet() + "'";
    }
}
