package io.ratissm;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/**
 * A {@link StateMachine} written against its own Protobuf messages: commands of type {@code C}, queries of
 * type {@code Q}. Commands and queries that do not parse are refused with {@link MalformedCommand}; a
 * command is parsed on the leader before it enters the log, so a malformed one is never replicated.
 *
 * <p>The usual shape is a {@code oneof} in {@code C} and a {@code switch} on its case in {@link #apply}.
 * All of the {@link StateMachine} contract applies (determinism, snapshots).
 *
 * @param <C> the command message
 * @param <Q> the query message
 */
public abstract class ProtoStateMachine<C extends Message, Q extends Message> implements StateMachine {
    private final Parser<C> commands;
    private final Parser<Q> queries;

    protected ProtoStateMachine(Parser<C> commandParser, Parser<Q> queryParser) {
        this.commands = commandParser;
        this.queries = queryParser;
    }

    /** Applies one committed command. See {@link StateMachine#apply}. */
    protected abstract Message apply(C command) throws CommandRejected;

    /** Answers one query without changing state. See {@link StateMachine#query}. */
    protected abstract Message query(Q query) throws CommandRejected;

    /** Checks a parsed command on the leader before it is logged. The default accepts it. */
    protected void validate(C command) throws CommandRejected {}

    @Override
    public final ByteString apply(ByteString command) throws CommandRejected {
        return apply(parseCommand(command)).toByteString();
    }

    /** Parses a command of this state machine, or refuses it as malformed. */
    protected final C parseCommand(ByteString command) throws MalformedCommand {
        return parse(commands, command, "command");
    }

    @Override
    public final ByteString query(ByteString query) throws CommandRejected {
        return query(parse(queries, query, "query")).toByteString();
    }

    @Override
    public final void validate(ByteString command) throws CommandRejected {
        validate(parseCommand(command));
    }

    private static <T extends Message> T parse(Parser<T> parser, ByteString bytes, String what)
            throws MalformedCommand {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedCommand("the " + what + " is not a valid Protobuf message of the state machine's " + what
                    + " type: " + e.getMessage());
        }
    }
}
