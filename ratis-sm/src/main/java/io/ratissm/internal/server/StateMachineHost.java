package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.EffectStateMachine;
import io.ratissm.StateMachine;
import io.ratissm.internal.Descriptions;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.Outcome;
import io.ratissm.internal.proto.StateMachineDescription;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the user's {@link StateMachine} instance that holds a replica's committed state, and enforces its
 * threading contract (see {@link StateMachine}): changes (apply, update, snapshot load) overlap nothing; reads
 * (query, validate, writeSnapshot, digest) overlap each other only if the state machine says its reads are
 * thread-safe. It also fail-stops: after an unexpected exception while changing the state, nothing more is applied.
 */
final class StateMachineHost {
    private static final Logger LOG = LoggerFactory.getLogger(StateMachineHost.class);

    /** A change to the committed state that may throw anything. */
    private interface Change<T> {
        T run(StateMachine current) throws Exception;
    }

    private final String replicaId;
    private final Supplier<? extends StateMachine> factory;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Runnable onFailStop;
    private final boolean describesEffects;
    private final StateMachineDescription description;
    private volatile StateMachine current;
    private volatile String failure;

    StateMachineHost(String replicaId, Supplier<? extends StateMachine> factory, Runnable onFailStop) {
        this.replicaId = replicaId;
        this.factory = factory;
        this.onFailStop = onFailStop;
        this.current = newInstance();
        this.describesEffects = current instanceof EffectStateMachine;
        // A property of the code, asked once: the replica advertises it without touching the state again.
        this.description = Descriptions.of(current);
    }

    /** The state machine's class and message types, as the replica advertises them. */
    StateMachineDescription description() {
        return description;
    }

    /** Null while healthy; otherwise why this replica stopped applying. */
    String failure() {
        return failure;
    }

    /** Whether the state machine implements {@link EffectStateMachine}. */
    boolean describesEffects() {
        return describesEffects;
    }

    /** Checks commands on the leader before they may enter the log: a read of the committed instance. */
    void validate(List<ByteString> commands) throws CommandRejected {
        Lock l = readLock();
        l.lock();
        try {
            for (ByteString command : commands) {
                current.validate(command);
            }
        } finally {
            l.unlock();
        }
    }

    /** Applies one committed command (ACTIVE mode). */
    Outcome apply(ByteString command, long index) throws ReplicaFailedException {
        return change(index, "applying the command", sm -> {
            try {
                return Outcome.newBuilder().setOk(sm.apply(command)).build();
            } catch (CommandRejected e) {
                return Outcomes.rejected(e);
            }
        });
    }

    /** Applies one committed update (PASSIVE mode). */
    void applyUpdate(ByteString update, long index) throws ReplicaFailedException {
        change(index, "applying the update", sm -> {
            ((EffectStateMachine) sm).applyUpdate(update);
            return null;
        });
    }

    /** Replaces the state with one shipped whole in the log (PASSIVE mode without effects). */
    void installState(ByteString state, long index) throws ReplicaFailedException {
        change(index, "loading the shipped state", sm -> {
            StateMachine fresh = newInstance();
            try (InputStream in = state.newInput()) {
                fresh.readSnapshot(in);
            }
            current = fresh;
            return null;
        });
    }

    /** Stops applying for a reason that is not the state machine's: nothing more is applied (a fail-stop). */
    void stop(String reason) {
        failure = reason;
        LOG.error("{}: fail-stop: {}", replicaId, reason);
        onFailStop.run();
    }

    private <T> T change(long index, String what, Change<T> change) throws ReplicaFailedException {
        checkHealthy();
        Lock w = lock.writeLock();
        w.lock();
        try {
            return change.run(current);
        } catch (Exception | Error e) {
            failure = "the state machine threw " + e + " " + what + " at log index " + index
                    + "; this replica applies nothing more";
            LOG.error("{}: fail-stop: {}", replicaId, failure, e);
            onFailStop.run();
            throw new ReplicaFailedException(replicaId + ": " + failure);
        } finally {
            w.unlock();
        }
    }

    Outcome query(ByteString query) throws ReplicaFailedException {
        checkHealthy();
        Lock l = readLock();
        l.lock();
        try {
            return queryOne(query);
        } finally {
            l.unlock();
        }
    }

    /** Answers a batch of queries on one state. */
    BatchReply queryAll(List<ByteString> queries) throws ReplicaFailedException {
        checkHealthy();
        BatchReply.Builder reply = BatchReply.newBuilder();
        Lock l = readLock();
        l.lock();
        try {
            queries.forEach(q -> reply.addOutcomes(queryOne(q)));
        } finally {
            l.unlock();
        }
        return reply.build();
    }

    private Outcome queryOne(ByteString query) {
        try {
            return Outcome.newBuilder().setOk(current.query(query)).build();
        } catch (CommandRejected e) {
            return Outcomes.rejected(e);
        } catch (RuntimeException e) {
            LOG.warn("{}: the state machine failed on a query", replicaId, e);
            return Outcome.newBuilder()
                    .setRejected("the state machine failed on this query: " + e)
                    .build();
        }
    }

    void writeSnapshot(OutputStream out) throws IOException {
        Lock l = readLock();
        l.lock();
        try {
            current.writeSnapshot(out);
        } finally {
            l.unlock();
        }
    }

    /** The state's digest: the state machine's own, or a SHA-256 of its snapshot bytes. */
    ByteString digest() throws IOException {
        Lock l = readLock();
        l.lock();
        try {
            Optional<ByteString> own = current.digest();
            if (own.isPresent()) {
                return own.get();
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            current.writeSnapshot(new DigestOutputStream(OutputStream.nullOutputStream(), sha));
            return ByteString.copyFrom(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        } finally {
            l.unlock();
        }
    }

    /** A new instance holding a copy of the committed state, for a leader to execute on speculatively. */
    StateMachine copy() throws IOException {
        ByteString.Output buffer = ByteString.newOutput();
        writeSnapshot(buffer);
        StateMachine fresh = newInstance();
        try (InputStream in = buffer.toByteString().newInput()) {
            fresh.readSnapshot(in);
        }
        return fresh;
    }

    /** Replaces the state with a fresh instance loaded from {@code in}. */
    void restore(InputStream in) throws IOException {
        StateMachine fresh = newInstance();
        fresh.readSnapshot(in);
        install(fresh);
    }

    /** Replaces the state with a fresh, empty instance. */
    void reset() {
        install(newInstance());
    }

    private void install(StateMachine fresh) {
        Lock w = lock.writeLock();
        w.lock();
        try {
            current = fresh;
        } finally {
            w.unlock();
        }
    }

    private Lock readLock() {
        return current.queriesAreThreadSafe() ? lock.readLock() : lock.writeLock();
    }

    private void checkHealthy() throws ReplicaFailedException {
        String f = failure;
        if (f != null) {
            throw new ReplicaFailedException(replicaId + ": " + f);
        }
    }

    StateMachine newInstance() {
        StateMachine sm = factory.get();
        if (sm == null) {
            throw new IllegalStateException("the state machine factory returned null");
        }
        return sm;
    }
}
