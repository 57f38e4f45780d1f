package io.ratissm;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.util.Optional;

/**
 * A {@link StateMachine} written against its own Protobuf messages: commands of type {@code C}, queries of
 * type {@code Q}. Commands and queries that do not parse are refused with {@link MalformedCommand}; a
 * command is parsed on the leader before it enters the log, so a malformed one is never replicated.
 *
 * <p>The usual shape is a {@code oneof} in {@code C} and a {@code switch} on its case in {@link #apply}.
 * All of the {@link StateMachine} contract applies (determinism, snapshots).
 *
 * <p>Its {@linkplain #schema() schema}, which the group advertises to clients, has {@code C} and {@code Q} as the
 * command and query types; a subclass whose replies are all of one type declares it by overriding
 * {@link #commandReplyType()} and {@link #queryReplyType()}, so that the command line client can print them.
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

    /**
     * The type of every reply {@link #apply(Message)} returns, if it is one type; the default declares none. Part of
     * the {@linkplain #schema() schema}: the same on every instance, never dependent on the state.
     */
    protected Optional<Descriptor> commandReplyType() {
        return Optional.empty();
    }

    /** The type of every answer {@link #query(Message)} returns, if it is one type; the default declares none. */
    protected Optional<Descriptor> queryReplyType() {
        return Optional.empty();
    }

    /** {@code C} and {@code Q}, and the reply types this state machine declares. */
    @Override
    public final Optional<StateMachineSchema> schema() {
        StateMachineSchema schema = StateMachineSchema.of(typeOf(commands), typeOf(queries));
        schema = commandReplyType().map(schema::withCommandReplyType).orElse(schema);
        return Optional.of(queryReplyType().map(schema::withQueryReplyType).orElse(schema));
    }

    /** A parser's message type: every Protobuf message parses from no bytes, with all fields unset. */
    private static Descriptor typeOf(Parser<? extends Message> parser) {
        try {
            return parser.parsePartialFrom(ByteString.EMPTY).getDescriptorForType();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("no message parses from no bytes with " + parser, e);
        }
    }

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
