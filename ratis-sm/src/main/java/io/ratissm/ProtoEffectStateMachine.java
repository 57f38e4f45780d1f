package io.ratissm;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/**
 * A {@link ProtoStateMachine} that also describes its effects ({@link EffectStateMachine}), with its own
 * Protobuf update message {@code U}. Implement {@link #execute(Message)} and {@link #applyUpdate(Message)};
 * {@code apply} (used in ACTIVE mode) is execute without the update.
 *
 * @param <C> the command message
 * @param <Q> the query message
 * @param <U> the update message
 */
public abstract class ProtoEffectStateMachine<C extends Message, Q extends Message, U extends Message>
        extends ProtoStateMachine<C, Q> implements EffectStateMachine {
    private final Parser<U> updates;

    protected ProtoEffectStateMachine(Parser<C> commandParser, Parser<Q> queryParser, Parser<U> updateParser) {
        super(commandParser, queryParser);
        this.updates = updateParser;
    }

    /** The reply and the update of one executed command. */
    public record Effect<U extends Message>(Message reply, U update) {}

    /** Executes a command, changing the state; see {@link EffectStateMachine#execute}. */
    protected abstract Effect<U> execute(C command) throws CommandRejected;

    /** Applies an update produced by {@link #execute(Message)}; see {@link EffectStateMachine#applyUpdate}. */
    protected abstract void applyUpdate(U update);

    @Override
    protected final Message apply(C command) throws CommandRejected {
        return execute(command).reply();
    }

    @Override
    public final Execution execute(ByteString command) throws CommandRejected {
        Effect<U> effect = execute(parseCommand(command));
        return new Execution(effect.reply().toByteString(), effect.update().toByteString());
    }

    @Override
    public final void applyUpdate(ByteString update) {
        try {
            applyUpdate(updates.parseFrom(update));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an update does not parse as " + updates.getClass(), e);
        }
    }
}
