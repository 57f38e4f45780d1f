package io.ratissm.internal.server;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.StateMachine;
import io.ratissm.internal.ReplicaFailedException;
import io.ratissm.internal.proto.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the user's {@link StateMachine} instance on one replica and enforces its contract: apply, snapshot and
 * restore never overlap each other or queries; queries overlap each other only if the state machine allows it.
 * It also fail-stops: after an unexpected exception from {@code apply} nothing more is applied.
 */
final class StateMachineHost {
    private static final Logger LOG = LoggerFactory.getLogger(StateMachineHost.class);

    private final String replicaId;
    private final Supplier<? extends StateMachine> factory;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Runnable onFailStop;
    private volatile StateMachine current;
    private volatile String failure;

    StateMachineHost(String replicaId, Supplier<? extends StateMachine> factory, Runnable onFailStop) {
        this.replicaId = replicaId;
        this.factory = factory;
        this.onFailStop = onFailStop;
        this.current = newInstance();
    }

    /** Null while healthy; otherwise why this replica stopped applying. */
    String failure() {
        return failure;
    }

    void validate(ByteString command) throws CommandRejected {
        current.validate(command);
    }

    /**
     * Applies one committed command.
     *
     * @throws ReplicaFailedException if the state machine has fail-stopped, now or earlier
     */
    Outcome apply(ByteString command, long index) throws ReplicaFailedException {
        checkHealthy();
        Lock w = lock.writeLock();
        w.lock();
        try {
            return Outcome.newBuilder().setOk(current.apply(command)).build();
        } catch (CommandRejected e) {
            return Outcomes.rejected(e);
        } catch (RuntimeException | Error e) {
            failure = "the state machine threw " + e + " applying the command at log index " + index
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
            return Outcome.newBuilder().setOk(current.query(query)).build();
        } catch (CommandRejected e) {
            return Outcomes.rejected(e);
        } catch (RuntimeException e) {
            LOG.warn("{}: the state machine failed on a query", replicaId, e);
            return Outcome.newBuilder().setRejected("the state machine failed on this query: " + e).build();
        } finally {
            l.unlock();
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

    private StateMachine newInstance() {
        StateMachine sm = factory.get();
        if (sm == null) {
            throw new IllegalStateException("the state machine factory returned null");
        }
        return sm;
    }
}
