package io.ratissm.internal.shard;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.MalformedCommand;
import io.ratissm.internal.proto.ShardCommand;
import io.ratissm.internal.proto.ShardReply;
import io.ratissm.internal.proto.ShardUpdate;

/**
 * A {@link ShardedGroup} around a user's {@link EffectStateMachine}, so that in PASSIVE mode the replicas receive
 * the user's updates, not the whole state: an update is the user's, or a change of role or map.
 */
public final class ShardedEffectGroup extends ShardedGroup implements EffectStateMachine {
    private final EffectStateMachine effects;

    ShardedEffectGroup(EffectStateMachine user) {
        super(user);
        this.effects = user;
    }

    @Override
    public Execution execute(ByteString command) throws CommandRejected {
        ShardCommand c = parseCommand(command);
        return switch (c.getKindCase()) {
            case KEYED -> {
                ShardReply refused = refusal(c.getKeyed());
                if (refused != null) {
                    yield new Execution(refused.toByteString(), ByteString.EMPTY);
                }
                Execution e = effects.execute(c.getKeyed().getCommand());
                yield new Execution(
                        reply(e.reply()),
                        ShardUpdate.newBuilder().setUser(e.update()).build().toByteString());
            }
            case ASSIGN, PLACEMENT -> {
                Change change = change(c);
                yield new Execution(
                        change.reply().toByteString(), change.update().toByteString());
            }
            default -> throw new MalformedCommand("an empty sharded command");
        };
    }

    @Override
    public void applyUpdate(ByteString update) {
        ShardUpdate u;
        try {
            u = ShardUpdate.parseFrom(update);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an update of a sharded group does not parse", e);
        }
        if (u.hasUser()) {
            effects.applyUpdate(u.getUser());
        } else {
            repeat(u);
        }
    }
}
