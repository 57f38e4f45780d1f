package io.ratissm;

import com.google.protobuf.ByteString;

/**
 * Optional capability of a {@link StateMachine} that can describe the effect of a command, for
 * {@link Replication#PASSIVE} replication: the leader {@linkplain #execute executes} each command once and the
 * log carries the resulting update; every replica (the leader's committed state included) applies updates with
 * {@link #applyUpdate}, without running user logic again.
 *
 * <p>Contract: on a state S, {@code execute(c)} changes S to S' and returns the reply and an update U such that
 * {@code applyUpdate(U)} on S also gives S'. {@code execute} may be non-deterministic (clocks, random ids): its
 * result is recorded in the log, so every replica ends with the same state. {@code applyUpdate} must be
 * deterministic, and it is called only with updates of commands that {@code execute} accepted (a command refused
 * with {@link CommandRejected} has no update). A state machine without this capability still runs passively: the
 * log then carries its whole state after each batch of commands that changed it ({@code writeSnapshot}), which costs
 * more for large states, and stops working once the state is larger than a log entry may be
 * (max(4 MiB, 2 x maxCommandBytes + 64 KiB)): every command that changes the state is then refused with
 * {@link CommandTooLarge}.
 *
 * <p>In {@link Replication#ACTIVE} mode only {@link #apply} is used.
 */
public interface EffectStateMachine extends StateMachine {

    /**
     * Executes a command on the leader, changing this state, and describes the change.
     *
     * @throws CommandRejected to refuse the command; the state must be unchanged
     */
    Execution execute(ByteString command) throws CommandRejected;

    /**
     * Applies an update produced by {@link #execute} on the same state. Never refuses: an exception fail-stops the
     * replica, and one that every replica throws for the same update stops the group (see {@link StateMachine}).
     */
    void applyUpdate(ByteString update);

    /** The outcome of {@link #execute}: the reply for the client and the update for the replicas. */
    record Execution(ByteString reply, ByteString update) {
        public Execution {
            if (reply == null || update == null) {
                throw new IllegalArgumentException("reply and update must not be null");
            }
        }
    }
}
