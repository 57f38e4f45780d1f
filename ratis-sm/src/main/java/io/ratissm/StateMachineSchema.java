package io.ratissm;

import com.google.protobuf.Descriptors.Descriptor;
import java.util.Objects;
import java.util.Optional;

/**
 * The Protobuf message types a {@link StateMachine} speaks: the type of its commands and of its queries, and, where
 * the state machine declares them, the type of its replies to each. A group advertises them (with the state machine's
 * class name) to its clients: {@link ReplicaClient#describe()} reads them, {@link ReplicaClient#typed} refuses a group
 * of other types, and the command line client parses and prints messages in Protobuf text format with them.
 *
 * <p>Immutable. A reply type is one message type for every reply of its kind; a state machine whose replies differ by
 * command leaves it undeclared.
 */
public final class StateMachineSchema {
    private final Descriptor commandType;
    private final Descriptor queryType;
    private final Descriptor commandReplyType;
    private final Descriptor queryReplyType;

    private StateMachineSchema(
            Descriptor commandType, Descriptor queryType, Descriptor commandReplyType, Descriptor queryReplyType) {
        this.commandType = Objects.requireNonNull(commandType, "commandType");
        this.queryType = Objects.requireNonNull(queryType, "queryType");
        this.commandReplyType = commandReplyType;
        this.queryReplyType = queryReplyType;
    }

    /** The command and query types, with no reply type declared. */
    public static StateMachineSchema of(Descriptor commandType, Descriptor queryType) {
        return new StateMachineSchema(commandType, queryType, null, null);
    }

    /** This schema with every reply to a command of type {@code replyType}. */
    public StateMachineSchema withCommandReplyType(Descriptor replyType) {
        return new StateMachineSchema(
                commandType, queryType, Objects.requireNonNull(replyType, "replyType"), queryReplyType);
    }

    /** This schema with every answer to a query of type {@code replyType}. */
    public StateMachineSchema withQueryReplyType(Descriptor replyType) {
        return new StateMachineSchema(
                commandType, queryType, commandReplyType, Objects.requireNonNull(replyType, "replyType"));
    }

    public Descriptor commandType() {
        return commandType;
    }

    public Descriptor queryType() {
        return queryType;
    }

    /** The type of every reply to a command; empty if the state machine does not declare one. */
    public Optional<Descriptor> commandReplyType() {
        return Optional.ofNullable(commandReplyType);
    }

    /** The type of every answer to a query; empty if the state machine does not declare one. */
    public Optional<Descriptor> queryReplyType() {
        return Optional.ofNullable(queryReplyType);
    }

    /** {@code commands KvCommand -> KvReply, queries KvQuery -> KvReply}, with full names. */
    @Override
    public String toString() {
        return "commands " + commandType.getFullName() + " -> " + name(commandReplyType) + ", queries "
                + queryType.getFullName() + " -> " + name(queryReplyType);
    }

    private static String name(Descriptor type) {
        return type == null ? "(undeclared)" : type.getFullName();
    }
}
