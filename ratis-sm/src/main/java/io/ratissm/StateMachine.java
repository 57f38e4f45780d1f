package io.ratissm;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The user's replicated state: the one thing a ratis-sm user writes.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #apply} is called with committed commands, one at a time, in log order. In
 *       {@link Replication#ACTIVE} mode every replica applies every command, so {@code apply} must be
 *       deterministic: the same state and command give the same new state and reply on every replica
 *       (no clocks, no randomness, no iteration over unordered collections that leaks into state).</li>
 *   <li>{@link #query} reads the state and never changes it.</li>
 *   <li>{@link #writeSnapshot} writes the whole state; {@link #readSnapshot} is called on a freshly created
 *       instance (from the factory given to {@link ReplicaServer.Builder#stateMachine}) and loads it. A
 *       snapshot is streamed: it never needs to fit in one byte array.</li>
 *   <li>Threads. On one instance, the framework never runs a <em>change</em> ({@code apply},
 *       {@link EffectStateMachine#execute execute}, {@link EffectStateMachine#applyUpdate applyUpdate},
 *       {@code readSnapshot}) concurrently with any other call. The <em>reads</em> ({@code query}, {@code validate},
 *       {@code writeSnapshot}, {@code digest}) never run concurrently with a change; they run concurrently with each
 *       other only if {@link #queriesAreThreadSafe()} says so, and then every read must be safe alongside the others
 *       (a snapshot may be written while queries are answered). Calls may come from different threads, one after
 *       the other: the framework publishes the state between them (no {@code volatile} needed). Different instances
 *       do run concurrently (the committed state and, in PASSIVE mode, the leader's speculative copy, and fresh
 *       instances loading snapshots), so instances must not share mutable state such as static fields.</li>
 *   <li>{@link CommandRejected} is a deterministic, user-level "no": it becomes the same error reply on every
 *       replica and leaves the state unchanged. Any other exception from {@code apply} is treated as a bug:
 *       the replica fail-stops (it applies nothing more and reports itself unhealthy, naming the exception and
 *       the log index) rather than diverge.</li>
 * </ul>
 *
 * <p>Limit: a fail-stop protects the group from one faulty replica, not from a faulty state machine. A <em>poison
 * command</em>, whose {@code apply} throws on every replica, fail-stops every replica at the same log entry in
 * {@link Replication#ACTIVE} mode, and the group serves nothing (its clients get {@link FailStoppedException},
 * naming the exception and the index). The entry is committed, so a restart with the
 * same code replays it and stops again; a restart of every replica with a fixed state machine replays it and
 * applies it, once (the operations guide, {@code OPERATIONS.md}, gives the steps). In {@link Replication#PASSIVE}
 * mode an exception while the leader executes a command refuses that command instead, but an update that throws
 * in {@link EffectStateMachine#applyUpdate} on every replica stops the group the same way.
 *
 * <p>Write the state machine against your own Protobuf messages with {@link ProtoStateMachine}.
 */
public interface StateMachine {

    /**
     * Applies one committed command and returns its reply.
     *
     * @throws CommandRejected to refuse the command deterministically; the state must be unchanged
     */
    ByteString apply(ByteString command) throws CommandRejected;

    /**
     * Answers a read-only query against the current state.
     *
     * @throws CommandRejected if the query is not valid (for example it does not parse)
     */
    ByteString query(ByteString query) throws CommandRejected;

    /** Writes the whole state to {@code out}. Does not close it. */
    void writeSnapshot(OutputStream out) throws IOException;

    /**
     * Loads a state written by {@link #writeSnapshot} into this (fresh) instance. Does not close {@code in}.
     *
     * @throws IOException if the bytes are not a snapshot this state machine can read
     */
    void readSnapshot(InputStream in) throws IOException;

    /**
     * Checks a command on the leader before it enters the log. A command refused here is answered with
     * the exception and never replicated. The default accepts everything. A read: it must not change state, and
     * the state it sees may have changed by the time the command is applied, so a check that depends on the state
     * belongs in {@link #apply} (as a {@link CommandRejected}).
     *
     * @throws MalformedCommand if the command cannot be parsed
     * @throws CommandRejected if the command is not acceptable
     */
    default void validate(ByteString command) throws CommandRejected {}

    /**
     * A digest of the whole state, which replicas compare to detect divergence (equal states must give equal
     * digests). The default, empty, makes the framework hash the snapshot bytes; supply a cheaper one for large
     * states. A read, never concurrent with {@link #apply}.
     */
    default Optional<ByteString> digest() {
        return Optional.empty();
    }

    /**
     * Whether the reads ({@link #query}, {@link #validate}, {@link #writeSnapshot}, {@link #digest}) may run
     * concurrently with each other. They never run concurrently with a change ({@link #apply} and the others) either
     * way. Default: false (every call is serialised).
     */
    default boolean queriesAreThreadSafe() {
        return false;
    }

    /**
     * The Protobuf message types of this state machine's commands, queries and replies, which its group advertises
     * to clients ({@link ReplicaClient#describe()}): a typed client ({@link ReplicaClient#typed}) checks them, and the
     * command line client parses and prints messages in text format with them. Called once, on the first instance a
     * replica creates, when it starts; it must not depend on the state, and every instance must give the same. The
     * default, empty, is a state machine of bytes: clients can then check nothing. {@link ProtoStateMachine} declares
     * its types; a state machine that delegates to another should return the delegate's.
     */
    default Optional<StateMachineSchema> schema() {
        return Optional.empty();
    }
}
